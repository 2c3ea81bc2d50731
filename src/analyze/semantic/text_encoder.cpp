#include <pointsman/analyze/semantic_text_encoder.hpp>

#include <nlohmann/json.hpp>

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
  std::vector<std::uint32_t> touched;
  std::string word;
};

Scratch& scratchFor(std::uint32_t dimension) {
  thread_local Scratch scratch;
  if (scratch.counts.size() < dimension) scratch.counts.assign(dimension, 0);
  scratch.touched.clear();
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

/// Copies the start of the word [begin, end) of `text`, lowercased and between `<` and `>`, into
/// `word`: the first kMaxWordBytesForNgrams bytes of that form, which are all its n-grams read.
void markedWordPrefix(std::string_view text, std::size_t begin, std::size_t end, std::string& word) {
  word.assign(1, '<');
  for (std::size_t at = begin; at < end && word.size() < kMaxWordBytesForNgrams; ++at) {
    word.push_back(kWordBytes[static_cast<unsigned char>(text[at])]);
  }
  if (word.size() < kMaxWordBytesForNgrams) word.push_back('>');
}

/// Calls `add(bucket)` for every feature of the scanned text, in the order of its words. Kept as
/// one template so that fitting and encoding hash exactly the same features.
template <typename Add>
void forEachFeature(const ScannedWords& scanned, const TextEncoderOptions& options, std::string& word, Add&& add) {
  const std::uint64_t mask = (std::uint64_t{1} << options.dimension_bits) - 1;
  for (std::size_t index = 0; index < scanned.words.size(); ++index) {
    const ScannedWord& scanned_word = scanned.words[index];
    add(static_cast<std::uint32_t>(scanned_word.word_feature & mask));
    if (options.word_bigrams && index > 0) add(static_cast<std::uint32_t>(scanned_word.bigram_feature & mask));

    if (options.char_ngram_min == 0 || index >= options.char_ngram_word_limit) continue;
    markedWordPrefix(scanned.text, scanned_word.begin, scanned_word.end, word);
    for (int n = options.char_ngram_min; n <= options.char_ngram_max; ++n) {
      const auto length = static_cast<std::size_t>(n);
      for (std::size_t start = 0; start + length <= word.size(); ++start) {
        add(static_cast<std::uint32_t>(mix(fnv1a(word.data() + start, length, kCharSeed + length)) & mask));
      }
    }
  }
}

/// Returns this thread's buffer for the words that `encode(std::string_view)` and `fit` scan.
ScannedWords& scannedWordsScratch() {
  thread_local ScannedWords scanned;
  return scanned;
}

}  // namespace

void scanWords(std::string_view text, ScannedWords& out) {
  out.text = text;
  out.words.clear();
  std::uint64_t previous_word = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    while (position < text.size() && kWordBytes[static_cast<unsigned char>(text[position])] == 0)
      ++position;
    if (position >= text.size()) break;
    // The word is hashed while it is scanned, as fnv1a over its lowercased bytes would hash it,
    // so that no word is copied here.
    const std::size_t begin = position;
    std::uint64_t word_hash = kFnvOffset ^ kWordSeed;
    char lower = 0;
    while (position < text.size() &&
           (lower = kWordBytes[static_cast<unsigned char>(text[position])]) != 0) {
      word_hash = (word_hash ^ static_cast<unsigned char>(lower)) * kFnvPrime;
      ++position;
    }
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
    forEachFeature(scanned, options_, scratch.word, [&](std::uint32_t bucket) {
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
  forEachFeature(words, options_, scratch.word, [&](std::uint32_t bucket) {
    auto& count = scratch.counts[bucket];
    if (count == 0) scratch.touched.push_back(bucket);
    if (count < UINT16_MAX) ++count;
  });

  SparseVector vector;
  vector.indices.reserve(scratch.touched.size());
  vector.values.reserve(scratch.touched.size());
  double norm = 0;
  for (const auto bucket : scratch.touched) {
    const float weight = sublinearTf(scratch.counts[bucket]) * idf_[bucket];
    scratch.counts[bucket] = 0;
    vector.indices.push_back(bucket);
    vector.values.push_back(weight);
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
