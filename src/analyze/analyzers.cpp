#include <pointsman/analyze/analyzers.hpp>
#include <pointsman/analyze/token_estimator.hpp>

namespace pointsman::analyze {
namespace {

constexpr std::size_t kSystemPromptBytesForTask = 500;

bool isInstruction(MessageRole role) { return role == MessageRole::System || role == MessageRole::Developer; }

// Classifies the text the task classifier reads: the start of the system prompt, which often
// names the job ("You are a translator"), and the last user message, which contains the current
// request. The classifier reads only the head and tail of a long text, so the message is not copied.
TaskPrediction classifyTask(const ChatRequest& request, const TaskClassifier& classifier) {
  std::string instruction;
  for (const auto& message : request.messages) {
    if (!isInstruction(message.role)) continue;
    instruction.append(message.text, 0, kSystemPromptBytesForTask).push_back('\n');
    break;
  }
  for (auto message = request.messages.rbegin(); message != request.messages.rend(); ++message) {
    if (message->role == MessageRole::User) return classifier.classifyJoined(instruction, message->text);
  }
  // A request without a user message: classify whatever it has.
  std::string text = std::move(instruction);
  for (const auto& message : request.messages) text.append(message.text).push_back('\n');
  return classifier.classify(text);
}

}  // namespace

Analyzers Analyzers::load(const AnalyzerFiles& files) {
  Analyzers analyzers;
  analyzers.task = TaskClassifier::load(files.task_classifier);
  if (!files.person_names.empty()) analyzers.pii = PiiDetector(NameGazetteer::load(files.person_names));
  return analyzers;
}

Features analyze(const ChatRequest& request, const Analyzers& analyzers) {
  Features features;
  features.estimated_prompt_tokens = estimatePromptTokens(request);
  for (const auto& message : request.messages) {
    if (isInstruction(message.role)) {
      features.system_prompt_tokens += kTokensPerMessage + estimateTokens(message.text);
    } else if (message.role == MessageRole::User || message.role == MessageRole::Assistant) {
      ++features.turns;
    }
    features.pii |= analyzers.pii.findKinds(message.text);
  }
  features.max_tokens = request.max_tokens;
  features.has_tools = request.has_tools;
  features.has_images = request.has_images;
  features.json_mode = request.json_mode;
  features.stream = request.stream;
  features.choices = request.choices;

  const TaskPrediction task = classifyTask(request, analyzers.task);
  features.task = task.type;
  features.task_confidence = task.confidence;
  return features;
}

std::optional<Features> analyzeRequest(std::string_view chat_request_body, const Analyzers& analyzers) {
  const auto request = extractChatRequest(chat_request_body);
  if (!request) return std::nullopt;
  return analyze(*request, analyzers);
}

}  // namespace pointsman::analyze
