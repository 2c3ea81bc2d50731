#include "app/request_id.hpp"

#include <random>

namespace pointsman::app {
namespace {

bool isSaneId(std::string_view value) {
  if (value.empty() || value.size() > 128) return false;
  for (const char c : value) {
    if (c <= ' ' || c > '~' || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

std::string requestIdFor(std::string_view client_value) {
  if (isSaneId(client_value)) return std::string(client_value);

  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (std::size_t i = 0; i < id.size(); i += 16) {
    auto bits = generator();
    for (std::size_t j = 0; j < 16; ++j, bits >>= 4) id[i + j] = kHex[bits & 0xF];
  }
  return id;
}

}  // namespace pointsman::app
