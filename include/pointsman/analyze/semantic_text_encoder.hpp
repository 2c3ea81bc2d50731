#pragma once

#include <pointsman/analyze/semantic_sparse_vector.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pointsman::analyze {

/// Settings of a `TextEncoder`; stored in its model file so that a model encodes as it was trained.
struct TextEncoderOptions {
  /// log2 of the number of hash buckets. Default 18 (262,144 buckets).
  int dimension_bits = 18;
  /// Whether adjacent word pairs are features besides single words.
  bool word_bigrams = true;
  /// Minimum length of the character n-grams taken inside each word, with `<` and `>` marking
  /// its ends. 0 disables character n-grams. Default 3.
  int char_ngram_min = 3;
  /// Maximum character n-gram length. Default 4.
  int char_ngram_max = 4;
  /// Number of leading words that give character n-grams, which bounds the encoding time of a
  /// long prompt. Later words still count as words and bigrams. Default 64: route examples are
  /// short utterances (the longest CLINC150 one has 28 words), so only long requests are cut.
  std::size_t char_ngram_word_limit = 64;
};

/// Encodes text as a hashed TF-IDF vector without pretrained weights. Lowercased words, word
/// bigrams and character n-grams inside words are hashed into buckets and weighted by
/// (1 + ln tf) * idf. The vector has unit L2 norm, so the dot product of two encodings is their
/// cosine similarity. Encoding is const and thread-safe because scratch space is per thread.
class TextEncoder {
 public:
  explicit TextEncoder(TextEncoderOptions options = {});

  /// Fits the inverse document frequencies on `corpus`: idf = ln((1 + N) / (1 + df)) + 1, the
  /// smoothed form that keeps every weight positive. Before a fit every idf is 1.
  void fit(std::span<const std::string> corpus);

  /// Encodes `text`; an empty or punctuation-only text gives an empty vector.
  SparseVector encode(std::string_view text) const;

  std::uint32_t dimension() const { return static_cast<std::uint32_t>(idf_.size()); }
  const TextEncoderOptions& options() const { return options_; }
  std::span<const float> idf() const { return idf_; }

  /// Writes the options and the fitted idf; buckets at the default idf are left out.
  nlohmann::json toJson() const;
  /// Reads what `toJson` wrote; throws `std::runtime_error` naming the invalid field.
  static TextEncoder fromJson(const nlohmann::json& json);

 private:
  TextEncoderOptions options_;
  /// Inverse document frequency per bucket.
  std::vector<float> idf_;
  /// The idf of a bucket that no fitted document contained.
  float unseen_idf_ = 1;
};

}  // namespace pointsman::analyze
