#include "sim/embedding_endpoint.hpp"

#include "sim/answer_text.hpp"
#include "sim/request_fields.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <cstring>

namespace pointsman::sim {
namespace {

constexpr int kDefaultDimensions = 16;
constexpr int kMaxDimensions = 8192;

// SplitMix64 (Steele, Lea and Flood, 2014): a small generator whose output depends only on the
// seed, so every platform returns the same vector for the same input.
std::uint64_t nextRandom(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

struct EmbeddingInput {
  /// Text that seeds the vector; a token array is seeded by its ids written as text.
  std::string key;
  int tokens = 0;
};

std::optional<EmbeddingInput> readTokenArray(const nlohmann::json& array) {
  EmbeddingInput input;
  for (const auto& id : array) {
    if (!id.is_number_integer()) {
      return std::nullopt;
    }
    input.key += std::to_string(id.get<std::int64_t>()) + ",";
    ++input.tokens;
  }
  return input;
}

std::optional<std::vector<EmbeddingInput>> readInputs(const nlohmann::json& body) {
  const auto input = body.find("input");
  if (input == body.end()) {
    return std::nullopt;
  }
  if (input->is_string()) {
    const auto& text = input->get_ref<const std::string&>();
    return std::vector<EmbeddingInput>{{text, estimateTokens(text.size())}};
  }
  if (!input->is_array() || input->empty()) {
    return std::nullopt;
  }
  if (input->front().is_number_integer()) {
    auto single = readTokenArray(*input);
    return single ? std::optional(std::vector<EmbeddingInput>{std::move(*single)}) : std::nullopt;
  }

  std::vector<EmbeddingInput> inputs;
  for (const auto& item : *input) {
    if (item.is_string()) {
      const auto& text = item.get_ref<const std::string&>();
      inputs.push_back({text, estimateTokens(text.size())});
    } else if (auto tokens = item.is_array() ? readTokenArray(item) : std::nullopt) {
      inputs.push_back(std::move(*tokens));
    } else {
      return std::nullopt;
    }
  }
  return inputs;
}

std::string encodeBase64(const std::vector<float>& values) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes(values.size() * sizeof(float), '\0');
  std::memcpy(bytes.data(), values.data(), bytes.size());

  std::string encoded;
  encoded.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t left = bytes.size() - i;
    std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
    group |= left > 1 ? static_cast<unsigned char>(bytes[i + 1]) << 8 : 0;
    group |= left > 2 ? static_cast<unsigned char>(bytes[i + 2]) : 0;
    encoded += kAlphabet[(group >> 18) & 63];
    encoded += kAlphabet[(group >> 12) & 63];
    encoded += left > 1 ? kAlphabet[(group >> 6) & 63] : '=';
    encoded += left > 2 ? kAlphabet[group & 63] : '=';
  }
  return encoded;
}

}  // namespace

std::vector<std::string> embeddingWords(std::string_view input) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : input) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0) {
      word.push_back(static_cast<char>(std::tolower(byte)));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::vector<float> embedText(std::string_view input, int dimensions) {
  std::vector<double> sum(static_cast<std::size_t>(dimensions), 0.0);
  // Each word adds its own pseudo-random vector, so texts that share words point the same way.
  const auto addSeededVector = [&sum](std::uint64_t seed) {
    std::uint64_t state = seed;
    for (auto& value : sum) {
      // The top 53 bits give a uniform double in [0, 1), mapped to [-1, 1).
      const double unit = static_cast<double>(nextRandom(state) >> 11) * 0x1.0p-53;
      value += unit * 2.0 - 1.0;
    }
  };
  const auto words = embeddingWords(input);
  if (words.empty()) addSeededVector(answerSeed(input));
  for (const auto& word : words) addSeededVector(answerSeed(word));

  double squares = 0;
  for (const double value : sum) squares += value * value;
  const double norm = std::sqrt(squares);
  std::vector<float> vector(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i) {
    vector[i] = norm > 0 ? static_cast<float>(sum[i] / norm) : 0.0F;
  }
  return vector;
}

ReplyPlan planEmbeddings(const nlohmann::json& body, const ExchangeContext& context) {
  const auto inputs = readInputs(body);
  if (!inputs) {
    return makeErrorPlan(400,
                         "'input' must be a string, an array of strings, a token array or an "
                         "array of token arrays, and not empty",
                         "input", "invalid_value");
  }
  std::optional<int> dimensions;
  if (auto error = readOptionalInt(body, "dimensions", 1, kMaxDimensions, dimensions)) {
    return makeErrorPlan(400, error->message, error->param, "invalid_value");
  }
  const auto format = body.find("encoding_format");
  const bool base64 = format != body.end() && *format == "base64";
  if (format != body.end() && !format->is_null() && !base64 && *format != "float") {
    return makeErrorPlan(400, "'encoding_format' must be float or base64", "encoding_format",
                         "invalid_value");
  }

  nlohmann::json data = nlohmann::json::array();
  int promptTokens = 0;
  for (std::size_t i = 0; i < inputs->size(); ++i) {
    const auto& input = (*inputs)[i];
    auto vector = embedText(input.key, dimensions.value_or(kDefaultDimensions));
    nlohmann::json embedding = base64 ? nlohmann::json(encodeBase64(vector)) : nlohmann::json(vector);
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", std::move(embedding)}});
    promptTokens += input.tokens;
  }

  const nlohmann::json response = {
      {"object", "list"},
      {"data", std::move(data)},
      {"model", context.model},
      {"usage", {{"prompt_tokens", promptTokens}, {"total_tokens", promptTokens}}}};
  ReplyPlan plan = makeJsonPlan(response.dump());
  plan.firstTokenDelay = scaledDelay(context.profile.ttftMs, context.timeScale);
  return plan;
}

}  // namespace pointsman::sim
