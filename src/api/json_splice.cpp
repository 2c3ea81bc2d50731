#include <pointsman/api/json_splice.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace pointsman::api {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Position just past the JSON string starting at `start` (which holds the opening quote).
std::optional<std::size_t> skipString(std::string_view text, std::size_t start) {
  for (std::size_t i = start + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return std::nullopt;
}

/// Compares a raw JSON key (without its quotes) with `key`, decoding escapes such as `\u0065`
/// first, because a parser sees `"mod\u0065l"` as `model`.
bool keyEquals(std::string_view raw_key, std::string_view key) {
  if (raw_key.find('\\') == std::string_view::npos) return raw_key == key;
  std::string quoted;
  quoted.reserve(raw_key.size() + 2);
  quoted += '"';
  quoted += raw_key;
  quoted += '"';
  const auto decoded = nlohmann::json::parse(quoted, nullptr, false);
  return decoded.is_string() && decoded.get_ref<const std::string&>() == key;
}

/// Returns `text` as a JSON string literal. Model names rarely need escapes, so the plain case skips the
/// JSON library.
std::string jsonStringLiteral(std::string_view text) {
  const bool plain = std::none_of(text.begin(), text.end(), [](char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
  });
  if (!plain) return nlohmann::json(std::string(text)).dump();
  std::string literal;
  literal.reserve(text.size() + 2);
  literal += '"';
  literal += text;
  literal += '"';
  return literal;
}

}  // namespace

std::optional<std::string> replaceTopLevelString(std::string_view body, std::string_view key,
                                                 std::string_view replacement) {
  std::size_t i = 0;
  while (i < body.size() && isSpace(body[i])) ++i;
  if (i == body.size() || body[i] != '{') return std::nullopt;

  int depth = 0;
  bool expecting_key = false;
  for (; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '{' || c == '[') {
      ++depth;
      expecting_key = (c == '{' && depth == 1);
      continue;
    }
    if (c == '}' || c == ']') {
      --depth;
      continue;
    }
    if (c == ',') {
      expecting_key = depth == 1;
      continue;
    }
    if (c != '"') continue;

    const auto string_end = skipString(body, i);
    if (!string_end) return std::nullopt;
    const bool is_wanted_key = depth == 1 && expecting_key && keyEquals(body.substr(i + 1, *string_end - i - 2), key);
    expecting_key = false;
    if (!is_wanted_key) {
      i = *string_end - 1;
      continue;
    }

    std::size_t value_start = *string_end;
    while (value_start < body.size() && (isSpace(body[value_start]) || body[value_start] == ':')) ++value_start;
    if (value_start >= body.size() || body[value_start] != '"') return std::nullopt;
    const auto value_end = skipString(body, value_start);
    if (!value_end) return std::nullopt;

    std::string result;
    const std::string encoded = jsonStringLiteral(replacement);
    result.reserve(body.size() + encoded.size());
    result.append(body.substr(0, value_start));
    result.append(encoded);
    result.append(body.substr(*value_end));
    return result;
  }
  return std::nullopt;
}

}  // namespace pointsman::api
