#pragma once

// The fields of a parsed HTTP message, kept as their names and values back to back in one string.
// A message is read once and only a few of its fields are looked up, so a list searched in order
// costs less than a field set with one allocation per field, as Beast's has.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pointsman::http {

class HeaderFields {
 public:
  struct Field {
    std::string_view name;
    std::string_view value;
  };

  /// Appends a field; an earlier field of the same name stays and is found first.
  void add(std::string_view name, std::string_view value);

  /// The value of the first field named `name` (any case), or nullopt when there is none.
  [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const;

  /// The value of the first field named `name`, or an empty view when there is none.
  [[nodiscard]] std::string_view value(std::string_view name) const { return find(name).value_or(std::string_view()); }

  /// Removes every field named `name` (any case).
  void erase(std::string_view name);

  [[nodiscard]] std::size_t size() const { return spans_.size(); }
  [[nodiscard]] Field at(std::size_t index) const;

  /// Copies a message head once, so that addFromHead() can add its fields without copying each
  /// name and value again: two copies per field cost more than the rest of parsing it.
  void keepHead(std::string_view head, std::size_t expected_count);

  /// Adds a field whose name and value are views into the `head` given to keepHead().
  void addFromHead(std::string_view head, std::string_view name, std::string_view value);

 private:
  struct Span {
    std::uint32_t name_begin = 0;
    std::uint32_t name_size = 0;
    std::uint32_t value_begin = 0;
    std::uint32_t value_size = 0;
  };

  std::string bytes_;
  std::vector<Span> spans_;
  /// The offset in `bytes_` of the head given to keepHead().
  std::uint32_t head_offset_ = 0;
};

}  // namespace pointsman::http
