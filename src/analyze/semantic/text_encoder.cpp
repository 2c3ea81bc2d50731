#include <pointsman/analyze/semantic_text_encoder.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace pointsman::analyze {
namespace {

// Distinct seeds keep a word, a bigram and an n-gram with the same bytes in different buckets.
constexpr std::uint64_t kWordSeed = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t kBigramSeed = 0xc2b2ae3d27d4eb4fULL;
constexpr std::uint64_t kCharSeed = 0x165667b19e3779f9ULL;
// Character n-grams are taken from at most this many bytes of a word, so that a long token (a
// URL, a base64 blob) cannot dominate the encoding time.
constexpr std::size_t kMaxWordBytesForNgrams = 24;
constexpr int kMaxDimensionBits = 24;

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

std::uint64_t fnv1a(const char* data, std::size_t size, std::uint64_t seed) {
  std::uint64_t hash = kFnvOffset ^ seed;
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= kFnvPrime;
  }
  return hash;
}

/// fnv1a of `Length` bytes, which the compiler unrolls. The n-gram loop calls it for the default
/// lengths 3 and 4.
template <std::size_t Length>
std::uint64_t fnv1aOfLength(const char* data, std::uint64_t seed) {
  std::uint64_t hash = kFnvOffset ^ seed;
  for (std::size_t i = 0; i < Length; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= kFnvPrime;
  }
  return hash;
}

std::uint64_t mix(std::uint64_t value) {
  value ^= value >> 33;
  value *= 0xff51afd7ed558ccdULL;
  value ^= value >> 33;
  return value;
}

/// Maps each byte to its lowercase form when it belongs to a word (ASCII letters and digits, and
/// every byte of a UTF-8 multi-byte sequence), else to 0.
constexpr std::array<char, 256> kWordBytes = [] {
  std::array<char, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    if (byte >= 'A' && byte <= 'Z') {
      table[byte] = static_cast<char>(byte + 32);
    } else if ((byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') || byte >= 0x80) {
      table[byte] = static_cast<char>(byte);
    }
  }
  return table;
}();

/// 1 + ln(tf) for small term counts, so that the common case needs no call to log.
constexpr std::size_t kLogTableSize = 64;
const std::array<float, kLogTableSize> kSublinearTf = [] {
  std::array<float, kLogTableSize> table{};
  for (std::size_t count = 1; count < kLogTableSize; ++count) table[count] = 1.0F + std::log(static_cast<float>(count));
  return table;
}();

float sublinearTf(std::uint16_t count) {
  return count < kLogTableSize ? kSublinearTf[count] : 1.0F + std::log(static_cast<float>(count));
}

/// Per-thread term counts: a dense array of counts plus the list of buckets touched, so that
/// clearing costs as much as the text had features rather than the whole dimension.
struct Scratch {
  /// 16-bit counts keep the array small enough to stay in cache: random access into it is the
  /// main cost of encoding a long prompt.
  std::vector<std::uint16_t> counts;
  /// The buckets in the order of their first count. `fit` appends to it, and `encode` sizes it for
  /// the most features of its text and counts the buckets it wrote.
  std::vector<std::uint32_t> touched;
};

Scratch& scratchFor(std::uint32_t dimension) {
  thread_local Scratch scratch;
  if (scratch.counts.size() < dimension) scratch.counts.assign(dimension, 0);
  return scratch;
}

}  // namespace

TextEncoder::TextEncoder(TextEncoderOptions options) : options_(options) {
  if (options_.dimension_bits < 4 || options_.dimension_bits > kMaxDimensionBits) {
    throw std::runtime_error("dimension_bits must be between 4 and 24, got " +
                             std::to_string(options_.dimension_bits));
  }
  if (options_.char_ngram_min < 0 || options_.char_ngram_max < options_.char_ngram_min ||
      options_.char_ngram_max > 8) {
    throw std::runtime_error("char n-gram lengths must satisfy 0 <= min <= max <= 8");
  }
  idf_.assign(std::size_t{1} << options_.dimension_bits, 1.0F);
}

namespace {

/// The start of a word, lowercased and between `<` and `>`: the first kMaxWordBytesForNgrams
/// bytes of that form, which are all its n-grams read.
struct MarkedWord {
  std::array<char, kMaxWordBytesForNgrams> bytes;
  std::size_t size = 0;
};

MarkedWord markedWordPrefix(std::string_view text, std::size_t begin, std::size_t end) {
  MarkedWord word;
  word.bytes[0] = '<';
  const std::size_t copied = std::min(end - begin, kMaxWordBytesForNgrams - 1);
  for (std::size_t k = 0; k < copied; ++k)
    word.bytes[k + 1] = kWordBytes[static_cast<unsigned char>(text[begin + k])];
  word.size = copied + 1;
  if (word.size < kMaxWordBytesForNgrams) word.bytes[word.size++] = '>';
  return word;
}

/// Calls `add(bucket)` for each n-gram of `length` bytes of `word`, from its start.
template <typename Add>
void addNgrams(const MarkedWord& word, std::size_t length, std::uint64_t mask, Add& add) {
  const auto addEach = [&](auto hash_at) {
    for (std::size_t start = 0; start + length <= word.size; ++start) {
      add(static_cast<std::uint32_t>(mix(hash_at(word.bytes.data() + start)) & mask));
    }
  };
  const std::uint64_t seed = kCharSeed + length;
  switch (length) {
    case 3:
      addEach([seed](const char* data) { return fnv1aOfLength<3>(data, seed); });
      return;
    case 4:
      addEach([seed](const char* data) { return fnv1aOfLength<4>(data, seed); });
      return;
    default:
      addEach([seed, length](const char* data) { return fnv1a(data, length, seed); });
  }
}

/// Returns the most features that forEachFeature can give for `words` words.
std::size_t maxFeatureCount(std::size_t words, const TextEncoderOptions& options) {
  std::size_t per_word_ngrams = 0;
  if (options.char_ngram_min > 0) {
    for (int n = options.char_ngram_min; n <= options.char_ngram_max; ++n) {
      per_word_ngrams += kMaxWordBytesForNgrams - static_cast<std::size_t>(n) + 1;
    }
  }
  return words * (options.word_bigrams ? 2 : 1) +
         std::min(words, options.char_ngram_word_limit) * per_word_ngrams;
}

/// Calls `add(bucket)` for every feature of the scanned text, in the order of its words. Kept as
/// one template so that fitting and encoding hash exactly the same features.
template <typename Add>
void forEachFeature(const ScannedWords& scanned, const TextEncoderOptions& options, Add&& add) {
  // Local copies of the options, which the compiler would otherwise read again after each add.
  const std::uint64_t mask = (std::uint64_t{1} << options.dimension_bits) - 1;
  const bool word_bigrams = options.word_bigrams;
  const int ngram_min = options.char_ngram_min;
  const int ngram_max = options.char_ngram_max;
  const std::size_t ngram_words = ngram_min == 0 ? 0 : options.char_ngram_word_limit;
  const std::size_t word_count = scanned.words.size();
  const ScannedWord* const words = scanned.words.data();
  for (std::size_t index = 0; index < word_count; ++index) {
    const ScannedWord& scanned_word = words[index];
    add(static_cast<std::uint32_t>(scanned_word.word_feature & mask));
    if (word_bigrams && index > 0)
      add(static_cast<std::uint32_t>(scanned_word.bigram_feature & mask));

    if (index >= ngram_words) continue;
    const MarkedWord word = markedWordPrefix(scanned.text, scanned_word.begin, scanned_word.end);
    for (int n = ngram_min; n <= ngram_max; ++n)
      addNgrams(word, static_cast<std::size_t>(n), mask, add);
  }
}

/// Returns this thread's buffer for the words that `encode(std::string_view)` and `fit` scan.
ScannedWords& scannedWordsScratch() {
  thread_local ScannedWords scanned;
  return scanned;
}

// Hashes the word that starts at `begin` as fnv1a over its lowercased bytes would, and returns its
// end. Without `Bounded` the caller guarantees a non-word byte between `begin` and the end of the
// text, which ends the loop without a test of the position against the size.
template <bool Bounded>
std::size_t hashWord(std::string_view text, std::size_t begin, std::uint64_t& hash) {
  std::size_t at = begin;
  for (; !Bounded || at < text.size(); ++at) {
    const char lower = kWordBytes[static_cast<unsigned char>(text[at])];
    if (lower == 0) break;
    hash = (hash ^ static_cast<unsigned char>(lower)) * kFnvPrime;
  }
  return at;
}

}  // namespace

void scanWords(std::string_view text, ScannedWords& out) {
  out.text = text;
  out.words.clear();
  // Every word that starts before the text's last non-word byte ends at or before it.
  std::size_t guarded_end = text.size();
  while (guarded_end > 0 && kWordBytes[static_cast<unsigned char>(text[guarded_end - 1])] != 0)
    --guarded_end;
  std::uint64_t previous_word = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    while (position < text.size() && kWordBytes[static_cast<unsigned char>(text[position])] == 0)
      ++position;
    if (position >= text.size()) break;
    // The word is hashed while it is scanned, so that no word is copied here.
    const std::size_t begin = position;
    std::uint64_t word_hash = kFnvOffset ^ kWordSeed;
    position = begin < guarded_end ? hashWord<false>(text, begin, word_hash)
                                   : hashWord<true>(text, begin, word_hash);
    out.words.push_back(ScannedWord{
        mix(word_hash), mix(previous_word * 31 + word_hash + kBigramSeed), begin, position});
    previous_word = word_hash;
  }
}

void TextEncoder::fit(std::span<const std::string> corpus) {
  std::vector<std::uint32_t> document_frequency(idf_.size(), 0);
  auto& scratch = scratchFor(dimension());
  for (const auto& document : corpus) {
    scratch.touched.clear();
    auto& scanned = scannedWordsScratch();
    scanWords(document, scanned);
    forEachFeature(scanned, options_, [&](std::uint32_t bucket) {
      if (scratch.counts[bucket] == 0) scratch.touched.push_back(bucket);
      scratch.counts[bucket] = 1;
    });
    for (const auto bucket : scratch.touched) {
      ++document_frequency[bucket];
      scratch.counts[bucket] = 0;
    }
  }
  const double documents = static_cast<double>(corpus.size());
  unseen_idf_ = static_cast<float>(std::log(1 + documents) + 1);
  for (std::size_t bucket = 0; bucket < idf_.size(); ++bucket) {
    idf_[bucket] = static_cast<float>(std::log((1 + documents) / (1 + document_frequency[bucket])) + 1);
  }
}

SparseVector TextEncoder::encode(std::string_view text) const {
  auto& scanned = scannedWordsScratch();
  scanWords(text, scanned);
  return encode(scanned);
}

SparseVector TextEncoder::encode(const ScannedWords& words) const {
  auto& scratch = scratchFor(dimension());
  // Sized for the most features, so that recording a bucket needs no capacity check.
  const std::size_t max_features = maxFeatureCount(words.words.size(), options_);
  if (scratch.touched.size() < max_features) scratch.touched.resize(max_features);
  std::uint32_t* const touched = scratch.touched.data();
  std::uint16_t* const counts = scratch.counts.data();
  std::size_t touched_count = 0;
  if (max_features < UINT16_MAX) {
    // No count can reach the 16-bit limit, so it is not tested. A bounded prompt has a few
    // thousand features.
    forEachFeature(words, options_, [&](std::uint32_t bucket) {
      std::uint16_t& count = counts[bucket];
      if (count == 0) touched[touched_count++] = bucket;
      ++count;
    });
  } else {
    forEachFeature(words, options_, [&](std::uint32_t bucket) {
      std::uint16_t& count = counts[bucket];
      if (count == 0) touched[touched_count++] = bucket;
      if (count < UINT16_MAX) ++count;
    });
  }

  SparseVector vector;
  vector.indices.assign(touched, touched + touched_count);
  vector.values.resize(touched_count);
  double norm = 0;
  for (std::size_t k = 0; k < touched_count; ++k) {
    const std::uint32_t bucket = touched[k];
    const float weight = sublinearTf(scratch.counts[bucket]) * idf_[bucket];
    scratch.counts[bucket] = 0;
    vector.values[k] = weight;
    norm += static_cast<double>(weight) * weight;
  }
  if (norm > 0) {
    const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (auto& value : vector.values) value *= scale;
  }
  return vector;
}

nlohmann::json TextEncoder::toJson() const {
  nlohmann::json buckets = nlohmann::json::array();
  nlohmann::json values = nlohmann::json::array();
  for (std::size_t bucket = 0; bucket < idf_.size(); ++bucket) {
    if (idf_[bucket] == unseen_idf_) continue;
    buckets.push_back(bucket);
    // Four decimals keep the file small; the rounding moves a cosine by less than 1e-4.
    values.push_back(std::round(idf_[bucket] * 1e4) / 1e4);
  }
  return {{"dimension_bits", options_.dimension_bits},
          {"word_bigrams", options_.word_bigrams},
          {"char_ngram_min", options_.char_ngram_min},
          {"char_ngram_max", options_.char_ngram_max},
          {"char_ngram_word_limit", options_.char_ngram_word_limit},
          {"unseen_idf", unseen_idf_},
          {"idf", {{"bucket", std::move(buckets)}, {"value", std::move(values)}}}};
}

TextEncoder TextEncoder::fromJson(const nlohmann::json& json) {
  TextEncoderOptions options;
  options.dimension_bits = json.at("dimension_bits").get<int>();
  options.word_bigrams = json.at("word_bigrams").get<bool>();
  options.char_ngram_min = json.at("char_ngram_min").get<int>();
  options.char_ngram_max = json.at("char_ngram_max").get<int>();
  options.char_ngram_word_limit = json.at("char_ngram_word_limit").get<std::size_t>();
  TextEncoder encoder(options);
  encoder.unseen_idf_ = json.at("unseen_idf").get<float>();
  std::fill(encoder.idf_.begin(), encoder.idf_.end(), encoder.unseen_idf_);
  const auto& buckets = json.at("idf").at("bucket");
  const auto& values = json.at("idf").at("value");
  if (buckets.size() != values.size()) throw std::runtime_error("encoder.idf: bucket and value lengths differ");
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const auto bucket = buckets[i].get<std::size_t>();
    if (bucket >= encoder.idf_.size()) {
      throw std::runtime_error("encoder.idf.bucket[" + std::to_string(i) + "]: " + std::to_string(bucket) +
                               " is outside the dimension " + std::to_string(encoder.idf_.size()));
    }
    encoder.idf_[bucket] = values[i].get<float>();
  }
  return encoder;
}

}  // namespace pointsman::analyze
