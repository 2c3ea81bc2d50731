#include <pointsman/analyze/features.hpp>

#include <array>

namespace pointsman::analyze {
namespace {

// Indexed by the enum's value, so the order must follow the declarations in features.hpp.
constexpr std::array<std::string_view, kTaskTypeCount> kTaskTypeNames = {
    "chat",           "code",           "math",        "reasoning",        "summarization",
    "extraction",     "classification", "translation", "creative_writing", "open_question",
};

constexpr std::array<std::string_view, kPiiKindCount> kPiiKindNames = {
    "email", "phone", "payment_card", "iban", "us_ssn", "ip_address", "secret", "person_name",
};

}  // namespace

std::string_view taskTypeName(TaskType type) { return kTaskTypeNames[static_cast<std::size_t>(type)]; }

std::optional<TaskType> taskTypeFromName(std::string_view name) {
  for (std::size_t i = 0; i < kTaskTypeNames.size(); ++i) {
    if (kTaskTypeNames[i] == name) return static_cast<TaskType>(i);
  }
  return std::nullopt;
}

std::string_view piiKindName(PiiKind kind) { return kPiiKindNames[static_cast<std::size_t>(kind)]; }

std::optional<PiiKind> piiKindFromName(std::string_view name) {
  for (std::size_t i = 0; i < kPiiKindNames.size(); ++i) {
    if (kPiiKindNames[i] == name) return static_cast<PiiKind>(i);
  }
  return std::nullopt;
}

}  // namespace pointsman::analyze
