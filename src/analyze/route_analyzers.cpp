#include <pointsman/analyze/route_analyzers.hpp>

#include <map>
#include <variant>
#include <vector>

namespace pointsman::analyze {
namespace {

/// Loads one model file, turning any failure into an error at the key that names the file.
template <typename Load>
auto loadModel(const std::string& key, const std::string& path, Load load) {
  try {
    return load(path);
  } catch (const std::exception& error) {
    throw AnalyzerLoadError("analyzers." + key, "failed to load \"" + path + "\": " + error.what() +
                                                    "; fix the file or the path, or remove the key to run without it");
  }
}

bool routeReadsComplexity(const config::RouteConfig& route) {
  const auto learned = [](const config::RouteAction& action) {
    return std::holds_alternative<config::LearnedPolicyConfig>(action.policy);
  };
  if (route.otherwise && learned(*route.otherwise)) return true;
  for (const auto& rule : route.rules) {
    if (learned(rule.action)) return true;
    for (const auto& condition : rule.when) {
      if (condition.subject == config::ConditionSubject::Complexity) return true;
    }
  }
  return false;
}

/// The examples of every `semantic:` policy of a route, and the encoder they name.
struct SemanticExamples {
  std::map<std::string, std::vector<std::string>> by_route;
  /// The config loader requires every semantic policy of one route to name the same encoder.
  std::optional<config::SemanticEncoderConfig> encoder;
};

/// Collects the examples of every `semantic:` policy of a route. Two policies that name the same
/// semantic route share its examples, because one router serves the whole route.
SemanticExamples semanticExamples(const config::RouteConfig& route) {
  SemanticExamples examples;
  const auto collect = [&examples](const config::RouteAction& action) {
    const auto* semantic = std::get_if<config::SemanticPolicyConfig>(&action.policy);
    if (semantic == nullptr) return;
    if (semantic->encoder) examples.encoder = semantic->encoder;
    for (const auto& target : semantic->routes) {
      auto& list = examples.by_route[target.name];
      list.insert(list.end(), target.examples.begin(), target.examples.end());
    }
  };
  for (const auto& rule : route.rules) collect(rule.action);
  if (route.otherwise) collect(*route.otherwise);
  return examples;
}

/// The text that the learned and semantic routers read: the last user message, which contains the
/// current request, or every message of a request that has no user message.
std::string_view promptText(const ChatRequest& request, std::string& scratch) {
  for (auto message = request.messages.rbegin(); message != request.messages.rend(); ++message) {
    if (message->role == MessageRole::User) return message->text;
  }
  for (const auto& message : request.messages) scratch.append(message.text).push_back('\n');
  return scratch;
}

}  // namespace

std::shared_ptr<const RouteAnalyzers> RouteAnalyzers::load(const config::Config& config) {
  auto analyzers = std::make_shared<RouteAnalyzers>();
  const auto& files = config.analyzers;
  if (!files.task_classifier.empty()) {
    analyzers->base_.task = loadModel("task_classifier", files.task_classifier,
                                      [](const std::string& path) { return TaskClassifier::load(path); });
  }
  if (!files.person_names.empty()) {
    analyzers->base_.pii = PiiDetector(loadModel("person_names", files.person_names,
                                                 [](const std::string& path) { return NameGazetteer::load(path); }));
  }
  if (!files.learned_router.empty()) {
    analyzers->learned_ = loadModel("learned_router", files.learned_router,
                                    [](const std::string& path) { return LearnedRouter::load(path); });
    if (files.drift.reference == config::DriftReference::Training) {
      analyzers->training_reference_ = loadModel("learned_router", files.learned_router,
                                                 [](const std::string& path) { return readTrainingReference(path); });
    }
  }
  if (!files.answer_scorer.empty()) {
    analyzers->answer_scorer_ = loadModel("answer_scorer", files.answer_scorer,
                                          [](const std::string& path) { return AnswerScorer::load(path); });
  }

  SemanticRouterOptions semantic_options;
  // The closest example decides, as the similarity in Features is defined, and each policy
  // applies its own threshold, so the router's own threshold stays unused.
  semantic_options.scoring = SemanticScoring::NearestExample;
  for (const auto& [name, route] : config.routes) {
    if (routeReadsComplexity(route)) analyzers->complexity_routes_.insert(name);
    auto examples = semanticExamples(route);
    if (examples.by_route.empty()) continue;
    if (examples.encoder) {
      analyzers->embedded_routes_.emplace(name, EmbeddedExamples(*examples.encoder, examples.by_route));
      continue;
    }
    try {
      analyzers->semantic_routes_.emplace(name, SemanticRouter(examples.by_route, semantic_options));
    } catch (const std::invalid_argument& error) {
      throw AnalyzerLoadError("routes." + name, std::string("cannot build the semantic router: ") + error.what());
    }
  }
  return analyzers;
}

Features RouteAnalyzers::analyze(const ChatRequest& request, std::string_view route) const {
  Features features = analyze::analyze(request, base_);
  if (embeddedExamples(route) != nullptr) {
    // The request path replaces this with the deployment's answer (app::SemanticEmbedder).
    features.semantic_unavailable = "the embeddings encoder is called only for requests sent upstream";
  }
  const SemanticRouter* semantic = semanticRouter(route);
  const bool complexity = learned_ && readsComplexity(route);
  if (semantic == nullptr && !complexity) return features;

  std::string scratch;
  const std::string_view prompt = promptText(request, scratch);
  // The semantic match reads the same head and tail of a long prompt as the learned router's
  // encoding does, which bounds its time, so both encode one scan of its words. The examples are
  // short utterances, so only the request side is ever cut.
  std::string bounded;
  // Kept per thread so that the word buffer is reused, and each scan replaces its text.
  thread_local ScannedWords words;
  scanWords(boundedPromptText(prompt, bounded), words);
  if (complexity) features.complexity = learned_->score(prompt, words);
  if (semantic != nullptr) features.semantic = semantic->nearest(words);
  return features;
}

std::string routingText(const ChatRequest& request) {
  std::string scratch;
  return std::string(promptText(request, scratch));
}

std::optional<Features> RouteAnalyzers::analyzeBody(std::string_view chat_request_body, std::string_view route) const {
  const auto request = extractChatRequest(chat_request_body);
  if (!request) return std::nullopt;
  return analyze(*request, route);
}

const SemanticRouter* RouteAnalyzers::semanticRouter(std::string_view route) const {
  const auto found = semantic_routes_.find(route);
  return found == semantic_routes_.end() ? nullptr : &found->second;
}

const EmbeddedExamples* RouteAnalyzers::embeddedExamples(std::string_view route) const {
  const auto found = embedded_routes_.find(route);
  return found == embedded_routes_.end() ? nullptr : &found->second;
}

Features analyzeForRoute(const config::Config& config, std::string_view route, std::string_view chat_request_body) {
  static const RouteAnalyzers kWithoutModels;
  const RouteAnalyzers& analyzers = config.loaded_analyzers ? *config.loaded_analyzers : kWithoutModels;
  return analyzers.analyzeBody(chat_request_body, route).value_or(Features{});
}

void loadRouteAnalyzers(config::LoadResult& result) {
  if (!result.ok()) return;
  auto config = std::make_shared<config::Config>(*result.config);
  try {
    config->loaded_analyzers = RouteAnalyzers::load(*config);
  } catch (const AnalyzerLoadError& error) {
    result.errors.push_back(config::ConfigError{error.keyPath(), error.what()});
    result.config.reset();
    return;
  }
  result.config = std::move(config);
}

}  // namespace pointsman::analyze
