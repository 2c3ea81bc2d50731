#include <pointsman/http/header_fields.hpp>

#include "http/http_token.hpp"

#include <algorithm>

namespace pointsman::http {

void HeaderFields::add(std::string_view name, std::string_view value) {
  // Heads are bounded by the header limit (at most a few MB), so offsets fit in 32 bits.
  Span span;
  span.name_begin = static_cast<std::uint32_t>(bytes_.size());
  span.name_size = static_cast<std::uint32_t>(name.size());
  bytes_.append(name);
  span.value_begin = static_cast<std::uint32_t>(bytes_.size());
  span.value_size = static_cast<std::uint32_t>(value.size());
  bytes_.append(value);
  spans_.push_back(span);
}

std::optional<std::string_view> HeaderFields::find(std::string_view name) const {
  const std::string_view bytes = bytes_;
  for (const auto& span : spans_) {
    if (sameToken(bytes.substr(span.name_begin, span.name_size), name)) {
      return bytes.substr(span.value_begin, span.value_size);
    }
  }
  return std::nullopt;
}

void HeaderFields::erase(std::string_view name) {
  // The bytes of an erased field stay in the string; only its span goes.
  const std::string_view bytes = bytes_;
  std::erase_if(spans_, [&](const Span& span) { return sameToken(bytes.substr(span.name_begin, span.name_size), name); });
}

HeaderFields::Field HeaderFields::at(std::size_t index) const {
  const std::string_view bytes = bytes_;
  const auto& span = spans_[index];
  return {bytes.substr(span.name_begin, span.name_size), bytes.substr(span.value_begin, span.value_size)};
}

void HeaderFields::keepHead(std::string_view head, std::size_t expected_count) {
  head_offset_ = static_cast<std::uint32_t>(bytes_.size());
  bytes_.append(head);
  spans_.reserve(spans_.size() + expected_count);
}

void HeaderFields::addFromHead(std::string_view head, std::string_view name, std::string_view value) {
  const auto offsetOf = [&](std::string_view part) {
    return head_offset_ + static_cast<std::uint32_t>(part.data() - head.data());
  };
  spans_.push_back(Span{offsetOf(name), static_cast<std::uint32_t>(name.size()), offsetOf(value),
                        static_cast<std::uint32_t>(value.size())});
}

}  // namespace pointsman::http
