#include <pointsman/app/semantic_embedder.hpp>

#include <pointsman/analyze/chat_request.hpp>
#include <pointsman/analyze/route_analyzers.hpp>
#include <pointsman/upstream/buffered_writer.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace pointsman::app {
namespace asio = boost::asio;

namespace {

std::string embeddingsRequestBody(const config::SemanticEncoderConfig& encoder, const std::vector<std::string>& texts) {
  nlohmann::json body = {{"model", encoder.deployment}, {"input", texts}, {"encoding_format", "float"}};
  if (encoder.dimensions > 0) body["dimensions"] = encoder.dimensions;
  return body.dump();
}

/// Reads `data[].embedding` of an embeddings response in `index` order; nothing when the body
/// does not hold exactly `expected` float vectors.
std::optional<std::vector<std::vector<float>>> readEmbeddings(const std::string& body, std::size_t expected) {
  const auto document = nlohmann::json::parse(body, nullptr, false);
  if (!document.is_object() || !document.contains("data") || !document["data"].is_array()) return std::nullopt;
  const auto& data = document["data"];
  if (data.size() != expected) return std::nullopt;

  std::vector<std::vector<float>> vectors(expected);
  std::vector<bool> seen(expected, false);
  for (std::size_t position = 0; position < data.size(); ++position) {
    const auto& item = data[position];
    if (!item.is_object()) return std::nullopt;
    std::size_t index = position;
    if (const auto found = item.find("index"); found != item.end()) {
      if (!found->is_number_unsigned()) return std::nullopt;
      index = found->get<std::size_t>();
    }
    const auto embedding = item.find("embedding");
    if (index >= expected || seen[index] || embedding == item.end() || !embedding->is_array()) return std::nullopt;
    for (const auto& value : *embedding) {
      if (!value.is_number()) return std::nullopt;
      vectors[index].push_back(value.get<float>());
    }
    seen[index] = true;
  }
  return vectors;
}

}  // namespace

asio::awaitable<void> SemanticEmbedder::embed(const config::Config& config, const analyze::EmbeddedExamples& examples,
                                              std::string_view chat_body, const upstream::ExecutionRequest& upstream,
                                              analyze::Features& features) {
  const std::string& request_id = upstream.request_id;
  features.semantic.reset();
  features.semantic_unavailable.clear();
  const auto request = analyze::extractChatRequest(chat_body);
  if (!request) co_return;
  // TODO: a text longer than the embedding model's input limit fails the call, so such a
  // request falls through; the built-in encoder reads a bounded head and tail instead.
  const std::string text = analyze::routingText(*request);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    features.semantic_unavailable = "the request has no text to embed";
    co_return;
  }
  const auto& encoder = examples.encoder();

  const auto deployment = config.models.find(encoder.deployment);
  if (deployment == config.models.end()) co_return;  // The loader rejects such a config.
  const std::string cache_key = deployment->second.provider + '/' + deployment->second.model + '/' +
                                std::to_string(encoder.dimensions) + '/' + std::to_string(encoder.cache_entries);
  auto& cache = cacheFor(cache_key, encoder.cache_entries);

  // On the snapshot's first request the examples go in the same call as the request's text.
  auto router = examples.router();
  analyze::EmbeddingCache::Vector query = cache.find(deployment->second.model, text);
  std::vector<std::string> inputs;
  if (!router) inputs = examples.texts();
  if (!query) inputs.push_back(text);

  if (!inputs.empty()) {
    auto fetched = co_await fetch(config, encoder, inputs, upstream);
    if (!fetched.error.empty()) {
      spdlog::warn("req={} semantic encoder deployment={} failed: {}; the semantic policy falls through", request_id,
                   encoder.deployment, fetched.error);
      features.semantic_unavailable = "encoder " + encoder.deployment + " failed: " + fetched.error;
      co_return;
    }
    if (!query) {
      query = std::make_shared<const std::vector<float>>(std::move(fetched.vectors.back()));
      fetched.vectors.pop_back();
      cache.insert(deployment->second.model, text, *query);
    }
    if (!router) {
      std::string error;
      router = examples.install(std::move(fetched.vectors), error);
      if (!router) {
        spdlog::warn("req={} semantic encoder deployment={} returned unusable example vectors: {}", request_id,
                     encoder.deployment, error);
        features.semantic_unavailable = "encoder " + encoder.deployment + " returned unusable vectors: " + error;
        co_return;
      }
    }
  }

  auto match = router->nearest(*query);
  if (!match) {
    spdlog::warn("req={} semantic encoder deployment={} returned a request vector of {} dimensions for examples of {}, "
                 "or one of zeros",
                 request_id, encoder.deployment, query->size(), router->dimension());
    features.semantic_unavailable = "encoder " + encoder.deployment + " returned a request vector of " +
                                    std::to_string(query->size()) + " dimensions for examples of " +
                                    std::to_string(router->dimension()) + ", or one of zeros";
    co_return;
  }
  features.semantic = std::move(*match);
}

asio::awaitable<SemanticEmbedder::Vectors> SemanticEmbedder::fetch(const config::Config& config,
                                                                   const config::SemanticEncoderConfig& encoder,
                                                                   const std::vector<std::string>& texts,
                                                                   upstream::ExecutionRequest execution) {
  const auto& deployment = config.models.at(encoder.deployment);
  const auto provider = config.providers.find(deployment.provider);
  if (provider == config.providers.end() || !provider->second.enabled) {
    co_return Vectors{{}, "provider " + deployment.provider + " is disabled"};
  }

  route::Plan plan;
  plan.requested_model = encoder.deployment;
  plan.policy = "encoder";
  plan.candidates.push_back(route::Candidate{&deployment, &provider->second});
  const std::string body = embeddingsRequestBody(encoder, texts);

  execution.endpoint = api::Endpoint::Embeddings;
  execution.upstream_path = "/embeddings";
  execution.stream = false;
  execution.body = &body;
  execution.plan = &plan;
  execution.retry = upstream::retryPolicyFrom(config.resilience.retry);
  // Charged to the deployment's tpm limit, estimated at four bytes a token.
  std::size_t bytes = 0;
  for (const auto& text : texts) bytes += text.size();
  execution.estimated_prompt_tokens = std::max<std::size_t>(1, bytes / 4);
  execution.deadline = upstream::Clock::now() + encoder.timeout;
  // TODO: the buffered reply never reports the client leaving, so a client that disconnects
  // does not cancel this call; encoder.timeout_ms bounds it.
  upstream::BufferedWriter reply;
  const auto outcome = co_await executor_.execute(execution, reply);

  if (!reply.answered() || reply.status() != 200) {
    std::string error = "status " + std::to_string(reply.answered() ? reply.status() : outcome.status);
    if (!outcome.flags.empty()) error += ", flags " + outcome.flags;
    co_return Vectors{{}, std::move(error)};
  }
  auto vectors = readEmbeddings(reply.body(), texts.size());
  if (!vectors) co_return Vectors{{}, "the reply is not a list of " + std::to_string(texts.size()) + " embeddings"};
  co_return Vectors{std::move(*vectors), {}};
}

analyze::EmbeddingCache& SemanticEmbedder::cacheFor(const std::string& key, std::size_t capacity) {
  return caches_.try_emplace(key, capacity).first->second;
}

}  // namespace pointsman::app
