#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pointsman::analyze {

/// What a request asks the model to do. The classifier picks one with a confidence.
enum class TaskType {
  Chat,
  Code,
  Math,
  Reasoning,
  Summarization,
  Extraction,
  Classification,
  Translation,
  CreativeWriting,
  OpenQuestion,
};
inline constexpr std::size_t kTaskTypeCount = 10;

/// The config and log spelling of a task type, e.g. "creative_writing".
std::string_view taskTypeName(TaskType type);
/// The task type spelled `name`; nothing for an unknown name.
std::optional<TaskType> taskTypeFromName(std::string_view name);

/// Kinds of sensitive data the PII detector reports.
enum class PiiKind {
  Email,
  Phone,
  PaymentCard,
  Iban,
  UsSsn,
  IpAddress,
  Secret,
  PersonName,
};
inline constexpr std::size_t kPiiKindCount = 8;

/// The config and log spelling of a PII kind, e.g. "payment_card".
std::string_view piiKindName(PiiKind kind);
std::optional<PiiKind> piiKindFromName(std::string_view name);

/// The set of PII kinds found in one request.
using PiiKinds = std::bitset<kPiiKindCount>;

/// The best semantic route example for a request.
struct SemanticMatch {
  std::string route;
  /// Cosine similarity in [-1, 1] between the request and the route's closest example.
  double similarity = 0;
};

/// What the analyzers learned about one request. Analyzers only fill this in; policies decide.
struct Features {
  std::int64_t estimated_prompt_tokens = 0;
  /// User and assistant messages (system and developer messages are not turns).
  int turns = 0;
  std::int64_t system_prompt_tokens = 0;
  /// `max_completion_tokens`, else `max_tokens`; nothing when the client set neither.
  std::optional<std::int64_t> max_tokens;
  bool has_tools = false;
  bool has_images = false;
  /// `response_format` asks for `json_object` or `json_schema`.
  bool json_mode = false;
  bool stream = false;
  /// Choices asked for (`n`), 1 when absent.
  int choices = 1;

  TaskType task = TaskType::Chat;
  /// The classifier's probability for `task`, in [0, 1].
  double task_confidence = 0;

  /// The learned router's estimate, in [0, 1], that a weak model would fall short. Nothing when
  /// no learned model is loaded.
  std::optional<double> complexity;

  PiiKinds pii;

  /// Filled only when a route with semantic examples asked for it.
  std::optional<SemanticMatch> semantic;
  /// The reason `semantic` is empty although the route has examples, e.g. a failed call to the
  /// embeddings deployment, and empty otherwise. The semantic policy copies it into the trace.
  std::string semantic_unavailable;
};

}  // namespace pointsman::analyze
