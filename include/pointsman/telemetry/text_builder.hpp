#pragma once

// Text assembled in a buffer on the stack, for the lines written once per request: the access
// line and the response head. Each std::string append checks the capacity and stores the length
// again. Here a short literal costs a few moves, and the final string makes the one allocation.
// The class is header-only, so the size of a literal piece is known where it is appended.

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace pointsman::telemetry {

template <std::size_t Capacity>
class TextBuilder {
 public:
  TextBuilder() = default;
  TextBuilder(const TextBuilder&) = delete;
  TextBuilder& operator=(const TextBuilder&) = delete;

  // Always inlined, because a call per piece cost more than copying a short piece.
  [[gnu::always_inline]] void append(std::string_view bytes) {
    if (spilled_ || bytes.size() > Capacity - used_) return appendSpilled(bytes);
    std::memcpy(buffer_ + used_, bytes.data(), bytes.size());
    used_ += bytes.size();
  }

  [[gnu::always_inline]] void append(char c) { append(std::string_view(&c, 1)); }

  [[nodiscard]] std::string take() {
    return spilled_ ? std::move(spill_) : std::string(buffer_, used_);
  }

 private:
  /// Text longer than the buffer goes on in a string, which then takes every later append.
  [[gnu::noinline]] void appendSpilled(std::string_view bytes) {
    if (!spilled_) {
      spill_.reserve(2 * (used_ + bytes.size()));
      spill_.assign(buffer_, used_);
      spilled_ = true;
    }
    spill_.append(bytes);
  }

  char buffer_[Capacity];
  std::size_t used_ = 0;
  bool spilled_ = false;
  std::string spill_;
};

}  // namespace pointsman::telemetry
