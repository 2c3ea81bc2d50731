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

/// One word of a text as every `TextEncoder` hashes it, whatever its options.
struct ScannedWord {
  /// The mixed hash of the word feature, before an encoder masks it to its dimension.
  std::uint64_t word_feature = 0;
  /// The mixed hash of the pair of the word before and this one. The first word has no pair, so its
  /// value is unused.
  std::uint64_t bigram_feature = 0;
  /// Byte offsets [begin, end) of the word in the scanned text.
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// The words of a text in order, read once so that two encoders with different options can
/// encode the same text without scanning it twice.
struct ScannedWords {
  /// The text the offsets point into; the caller keeps it alive while the words are used.
  std::string_view text;
  std::vector<ScannedWord> words;
};

/// Splits `text` into lowercased words (runs of ASCII letters, digits and bytes of 0x80 or more)
/// and hashes each one, replacing what `out` contained.
void scanWords(std::string_view text, ScannedWords& out);

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

  /// Encodes the text that `scanWords` read into `words`, with the same result as `encode(text)`.
  SparseVector encode(const ScannedWords& words) const;

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
