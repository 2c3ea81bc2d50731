// Plans the replies of POST /v1/embeddings.
#pragma once

#include "sim/exchange_context.hpp"
#include "sim/reply_plan.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pointsman::sim {

/// Splits `input` into lowercase words of ASCII letters and digits.
std::vector<std::string> embeddingWords(std::string_view input);

/// Returns a unit-length vector of `dimensions` floats derived only from `input`: the sum of one
/// pseudo-random vector per word, seeded by the word, so texts that share words are similar.
/// Input without a word gets a vector seeded by the whole input.
std::vector<float> embedText(std::string_view input, int dimensions);

/// Returns the plan for a parsed request body: an embedding list or a 400 error. Supports the
/// `float` and `base64` encoding formats.
ReplyPlan planEmbeddings(const nlohmann::json& body, const ExchangeContext& context);

}  // namespace pointsman::sim
