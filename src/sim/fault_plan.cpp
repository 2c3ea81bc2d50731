#include "sim/fault_plan.hpp"

#include <charconv>
#include <limits>

namespace pointsman::sim {
namespace {

// Bounds keep a typo from stalling a test run for days, so a fault delay is at most ten minutes.
constexpr int kMaxDelayMs = 600'000;
constexpr int kMaxEvents = 1'000'000;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<int> parseBounded(std::string_view text, int min, int max) {
  int value = 0;
  const char* end = text.data() + text.size();
  const auto [position, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc{} || position != end || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

struct IntegerKey {
  std::string_view name;
  std::optional<int> FaultPlan::*field;
  int min;
  int max;
};

constexpr IntegerKey kIntegerKeys[] = {
    {"status", &FaultPlan::status, 200, 599},
    {"retry_after", &FaultPlan::retryAfterSeconds, 0, 86'400},
    {"retry_after_ms", &FaultPlan::retryAfterMs, 0, 86'400'000},
    {"stall_ms", &FaultPlan::stallMs, 0, kMaxDelayMs},
    {"stall_after_events", &FaultPlan::stallAfterEvents, 0, kMaxEvents},
    {"reset_after_events", &FaultPlan::resetAfterEvents, 0, kMaxEvents},
    {"error_after_events", &FaultPlan::errorAfterEvents, 0, kMaxEvents},
    {"close_after_events", &FaultPlan::closeAfterEvents, 0, kMaxEvents},
    {"percent", &FaultPlan::percent, 0, 100},
};

std::optional<std::string> applyItem(FaultPlan& plan, std::string_view key, std::string_view value,
                                     bool hasValue) {
  if (key == "reset" && !hasValue) {
    plan.reset = true;
    return std::nullopt;
  }
  if (key == "content_filter" && !hasValue) {
    plan.contentFilter = true;
    return std::nullopt;
  }
  if (key == "body" && hasValue) {
    plan.body = std::string(value);
    return std::nullopt;
  }
  if (key == "content_type" && hasValue && !value.empty()) {
    plan.contentType = std::string(value);
    return std::nullopt;
  }
  for (const auto& integerKey : kIntegerKeys) {
    if (key != integerKey.name) {
      continue;
    }
    const auto parsed = parseBounded(value, integerKey.min, integerKey.max);
    if (!hasValue || !parsed) {
      return "invalid fault value '" + std::string(value) + "' for '" + std::string(key) +
             "': expected an integer from " + std::to_string(integerKey.min) + " to " +
             std::to_string(integerKey.max);
    }
    plan.*integerKey.field = *parsed;
    return std::nullopt;
  }
  return "unknown fault item '" + std::string(key) +
         "': expected status, body, content_type, retry_after, retry_after_ms, reset, stall_ms, "
         "stall_after_events, reset_after_events, error_after_events, close_after_events, content_filter or "
         "percent";
}

}  // namespace

bool FaultPlan::empty() const {
  return !status && !reset && !stallMs && !resetAfterEvents && !errorAfterEvents &&
         !closeAfterEvents && !contentFilter;
}

std::variant<FaultPlan, std::string> parseFaultPlan(std::string_view text) {
  FaultPlan plan;
  while (!text.empty()) {
    const auto separator = text.find(';');
    const auto item = trim(text.substr(0, separator));
    text = separator == std::string_view::npos ? std::string_view{} : text.substr(separator + 1);
    if (item.empty()) {
      continue;
    }

    const auto equals = item.find('=');
    const bool hasValue = equals != std::string_view::npos;
    const auto key = trim(item.substr(0, equals));
    const auto value = hasValue ? trim(item.substr(equals + 1)) : std::string_view{};
    if (auto error = applyItem(plan, key, value, hasValue)) {
      return *error;
    }
  }

  if (plan.stallAfterEvents && !plan.stallMs) {
    return std::string("invalid fault: stall_after_events needs stall_ms");
  }
  return plan;
}

std::optional<std::string> checkFaultList(std::string_view list) {
  int total = 0;
  while (true) {
    const auto separator = list.find('|');
    auto parsed = parseFaultPlan(list.substr(0, separator));
    if (auto* error = std::get_if<std::string>(&parsed)) {
      return std::move(*error);
    }
    total += std::get<FaultPlan>(parsed).percent.value_or(100);
    if (separator == std::string_view::npos) {
      break;
    }
    list.remove_prefix(separator + 1);
  }
  if (total > 100) {
    return "invalid fault list: the alternatives' percent values add up to " + std::to_string(total) +
           ", more than 100; give each alternative a percent=N item";
  }
  return std::nullopt;
}

std::string_view pickFaultAlternative(std::string_view list, int draw) {
  int covered = 0;
  while (true) {
    const auto separator = list.find('|');
    const auto alternative = list.substr(0, separator);
    const auto parsed = parseFaultPlan(alternative);
    if (std::holds_alternative<std::string>(parsed)) {
      return alternative;
    }
    covered += std::get<FaultPlan>(parsed).percent.value_or(100);
    if (draw < covered) {
      return alternative;
    }
    if (separator == std::string_view::npos) {
      return {};
    }
    list.remove_prefix(separator + 1);
  }
}

}  // namespace pointsman::sim
