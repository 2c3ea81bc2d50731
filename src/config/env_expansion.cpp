#include "config/env_expansion.hpp"

namespace pointsman::config {

namespace {

bool isNameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool isNameChar(char c) { return isNameStart(c) || (c >= '0' && c <= '9'); }

bool isValidName(std::string_view name) {
  if (name.empty() || !isNameStart(name.front())) {
    return false;
  }
  for (char c : name) {
    if (!isNameChar(c)) {
      return false;
    }
  }
  return true;
}

// Expands the body of one `${...}` reference (the text between the braces) into `out`.
void expandReference(std::string_view body, const EnvironmentLookup& environment,
                     Expansion& out) {
  const std::size_t defaultMarker = body.find(":-");
  const std::string_view name = body.substr(0, defaultMarker);
  const std::string reference = "${" + std::string(body) + "}";

  if (!isValidName(name)) {
    out.error = "invalid reference \"" + reference +
                "\"; write ${NAME} or ${NAME:-default}, where NAME is letters, digits and '_' "
                "and does not start with a digit";
    return;
  }
  out.variables.emplace_back(name);

  const std::optional<std::string> value = environment(name);
  if (defaultMarker != std::string_view::npos) {
    const bool useDefault = !value.has_value() || value->empty();
    out.text += useDefault ? std::string(body.substr(defaultMarker + 2)) : *value;
    return;
  }
  if (!value.has_value()) {
    out.error = "environment variable " + std::string(name) + " is not set; set it or write ${" +
                std::string(name) + ":-}";
    return;
  }
  out.text += *value;
}

}  // namespace

Expansion expandVariables(std::string_view text, const EnvironmentLookup& environment) {
  Expansion out;
  out.text.reserve(text.size());

  std::size_t i = 0;
  while (i < text.size() && out.ok()) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';

    if (c != '$' || (next != '$' && next != '{')) {
      out.text += c;
      ++i;
      continue;
    }
    if (next == '$') {
      out.text += '$';
      i += 2;
      continue;
    }

    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      // The position, not the text, because the scalar may be a credential.
      out.error = "unterminated \"${\" at character " + std::to_string(i + 1) +
                  "; close it with \"}\" or write \"$$\" for a literal \"$\"";
      break;
    }
    expandReference(text.substr(i + 2, close - i - 2), environment, out);
    i = close + 1;
  }
  return out;
}

}  // namespace pointsman::config
