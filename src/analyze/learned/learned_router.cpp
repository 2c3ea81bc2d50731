#include <pointsman/analyze/learned_router.hpp>

#include "analyze/byte_masks.hpp"
#include "analyze/learned/prompt_length_counts.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <stdexcept>

namespace pointsman::analyze {

namespace {

// The byte classes of the length features over a block of up to 64 bytes, one bit per byte.
struct LengthMasks {
  /// ASCII letters and digits and bytes of 0x80 or more.
  std::uint64_t word = 0;
  /// Space, \t, \n, \v, \f and \r.
  std::uint64_t space = 0;
  std::uint64_t line_feed = 0;
};

LengthMasks lengthMasksOf(const unsigned char* bytes, std::size_t size) {
  LengthMasks masks;
  for (std::size_t i = 0; i < size; ++i) {
    const unsigned char c = bytes[i];
    const std::uint64_t bit = std::uint64_t{1} << i;
    // `c | 0x20` maps exactly the ASCII capitals onto the lowercase letters.
    if (static_cast<unsigned char>((c | 0x20) - 'a') < 26 || static_cast<unsigned char>(c - '0') < 10 || c >= 0x80) {
      masks.word |= bit;
    }
    if (c == ' ' || static_cast<unsigned char>(c - '\t') < 5) masks.space |= bit;
    if (c == '\n') masks.line_feed |= bit;
  }
  return masks;
}

#if defined(__SSE2__)
// The same for a full block, 16 bytes at a time. The sign bit of a byte marks non-ASCII.
LengthMasks lengthMasksOfBlock(const unsigned char* bytes) {
  LengthMasks result;
  for (int part = 0; part < 4; ++part) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 16 * part));
    const __m128i word = _mm_or_si128(_mm_or_si128(masks::inRange16(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z'),
                                                   masks::inRange16(v, '0', '9')),
                                      _mm_cmplt_epi8(v, _mm_setzero_si128()));
    const __m128i space = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), masks::inRange16(v, '\t', '\r'));
    const int shift = 16 * part;
    result.word |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(word))} << shift;
    result.space |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(space))} << shift;
    result.line_feed |=
        std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))))} << shift;
  }
  return result;
}
#else
LengthMasks lengthMasksOfBlock(const unsigned char* bytes) { return lengthMasksOf(bytes, masks::kBlockBytes); }
#endif

// Counts with the baseline masks: SSE2 where the build has it, else byte by byte.
length::PromptLengthCounts countBaseline(const unsigned char* bytes, std::size_t size) {
  // The counts come from bit masks of 64 bytes at a time, without a branch per byte: this reads
  // every byte of a long prompt. A word starts at a word byte after a byte that is not one.
  length::PromptLengthCounts counts;
  std::uint64_t word_before = 0;
  for (std::size_t block = 0; block < size; block += masks::kBlockBytes) {
    const std::size_t block_size = std::min(masks::kBlockBytes, size - block);
    const LengthMasks m = block_size == masks::kBlockBytes
                              ? lengthMasksOfBlock(bytes + block)
                              : lengthMasksOf(bytes + block, block_size);
    counts.words += masks::countBits(m.word & ~((m.word << 1) | word_before));
    counts.lines += masks::countBits(m.line_feed);
    counts.symbols += masks::countBits(masks::firstBytes(block_size) & ~(m.word | m.space));
    word_before = m.word >> 63;
  }
  return counts;
}

#if defined(POINTSMAN_HAS_AVX2_PATHS)
// The same counts with the masks of a full block read 32 bytes at a time and the POPCNT
// instruction, in a function compiled for AVX2 that runs only when masks::kCpuHasAvx2 is true.
__attribute__((target("avx2,popcnt"))) length::PromptLengthCounts countAvx2(
    const unsigned char* bytes, std::size_t size) {
  const __m256i folded_case = _mm256_set1_epi8(0x20);
  length::PromptLengthCounts counts;
  std::uint64_t word_before = 0;
  for (std::size_t block = 0; block < size; block += masks::kBlockBytes) {
    const std::size_t block_size = std::min(masks::kBlockBytes, size - block);
    LengthMasks m;
    if (block_size == masks::kBlockBytes) {
      for (int part = 0; part < 2; ++part) {
        const __m256i v =
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes + block + 32 * part));
        const __m256i word = _mm256_or_si256(
            _mm256_or_si256(masks::inRange32(_mm256_or_si256(v, folded_case), 'a', 'z'),
                            masks::inRange32(v, '0', '9')),
            _mm256_cmpgt_epi8(_mm256_setzero_si256(), v));
        const __m256i space = _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(' ')),
                                              masks::inRange32(v, '\t', '\r'));
        const __m256i line_feed = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n'));
        const int shift = 32 * part;
        m.word |= std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(word))} << shift;
        m.space |= std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(space))} << shift;
        m.line_feed |= std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(line_feed))}
                       << shift;
      }
    } else {
      m = lengthMasksOf(bytes + block, block_size);
    }
    counts.words +=
        static_cast<std::size_t>(__builtin_popcountll(m.word & ~((m.word << 1) | word_before)));
    counts.lines += static_cast<std::size_t>(__builtin_popcountll(m.line_feed));
    counts.symbols += static_cast<std::size_t>(
        __builtin_popcountll(masks::firstBytes(block_size) & ~(m.word | m.space)));
    word_before = m.word >> 63;
  }
  return counts;
}

#endif

}  // namespace

namespace length {

bool lengthReaderSupported(LengthReader reader) {
#if defined(POINTSMAN_HAS_AVX2_PATHS)
  return reader == LengthReader::Baseline || masks::kCpuHasAvx2;
#else
  return reader == LengthReader::Baseline;
#endif
}

PromptLengthCounts countPromptLengths(std::string_view prompt, LengthReader reader) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(prompt.data());
#if defined(POINTSMAN_HAS_AVX2_PATHS)
  if (reader == LengthReader::Avx2 && masks::kCpuHasAvx2) return countAvx2(bytes, prompt.size());
#endif
  return countBaseline(bytes, prompt.size());
}

}  // namespace length

std::array<double, LearnedRouter::kLengthFeatureCount> promptLengthFeatures(
    std::string_view prompt) {
  const auto reader = length::lengthReaderSupported(length::LengthReader::Avx2)
                          ? length::LengthReader::Avx2
                          : length::LengthReader::Baseline;
  const length::PromptLengthCounts counts = length::countPromptLengths(prompt, reader);
  const double size = static_cast<double>(prompt.size());
  return {std::log1p(size), std::log1p(static_cast<double>(counts.words)),
          std::log1p(static_cast<double>(counts.lines)),
          size > 0 ? static_cast<double>(counts.symbols) / size : 0.0};
}

LearnedRouter::LearnedRouter(TextEncoder encoder, std::array<double, kLengthFeatureCount> length_mean,
                             std::array<double, kLengthFeatureCount> length_scale, LogisticModel model)
    : encoder_(std::move(encoder)), length_mean_(length_mean), length_scale_(length_scale), model_(std::move(model)) {}

std::string_view boundedPromptText(std::string_view prompt, std::string& scratch) {
  constexpr std::size_t kHeadBytes = LearnedRouter::kEncodedHeadBytes;
  constexpr std::size_t kTailBytes = LearnedRouter::kEncodedTailBytes;
  if (prompt.size() <= kHeadBytes + kTailBytes) return prompt;
  // Cut at spaces so that no half word becomes a feature of its own.
  std::size_t head_end = kHeadBytes;
  while (head_end > 0 && prompt[head_end - 1] != ' ' && prompt[head_end - 1] != '\n') --head_end;
  if (head_end == 0) head_end = kHeadBytes;
  std::size_t tail_begin = prompt.size() - kTailBytes;
  while (tail_begin < prompt.size() && prompt[tail_begin] != ' ' && prompt[tail_begin] != '\n') ++tail_begin;
  scratch.assign(prompt.substr(0, head_end));
  scratch.push_back('\n');
  scratch.append(prompt.substr(tail_begin));
  return scratch;
}

SparseVector LearnedRouter::featurize(std::string_view prompt) const {
  std::string bounded;
  thread_local ScannedWords words;
  scanWords(boundedPromptText(prompt, bounded), words);
  return featurize(prompt, words);
}

SparseVector LearnedRouter::featurize(std::string_view prompt, const ScannedWords& bounded_words) const {
  auto row = encoder_.encode(bounded_words);
  const auto lengths = promptLengthFeatures(prompt);
  for (std::size_t k = 0; k < kLengthFeatureCount; ++k) {
    row.indices.push_back(encoder_.dimension() + static_cast<std::uint32_t>(k));
    row.values.push_back(static_cast<float>((lengths[k] - length_mean_[k]) / length_scale_[k]));
  }
  return row;
}

double LearnedRouter::score(std::string_view prompt) const { return model_.predict(featurize(prompt)); }

double LearnedRouter::score(std::string_view prompt, const ScannedWords& bounded_words) const {
  return model_.predict(featurize(prompt, bounded_words));
}

LearnedRouter LearnedRouter::train(std::span<const std::string> prompts, std::span<const double> labels,
                                   const LearnedRouterTrainOptions& options) {
  if (prompts.size() != labels.size()) throw std::invalid_argument("prompts and labels differ in length");
  if (prompts.size() < 2) throw std::invalid_argument("at least two training prompts are needed");
  TextEncoder encoder(options.encoder);
  // The idf is fitted on the same bounded text that scoring encodes.
  std::vector<std::string> encoded_texts;
  encoded_texts.reserve(prompts.size());
  for (const auto& prompt : prompts) {
    std::string scratch;
    encoded_texts.emplace_back(boundedPromptText(prompt, scratch));
  }
  encoder.fit(encoded_texts);

  std::array<double, kLengthFeatureCount> mean{};
  std::array<double, kLengthFeatureCount> scale{};
  for (const auto& prompt : prompts) {
    const auto lengths = promptLengthFeatures(prompt);
    for (std::size_t k = 0; k < kLengthFeatureCount; ++k) {
      mean[k] += lengths[k];
      scale[k] += lengths[k] * lengths[k];
    }
  }
  const double count = static_cast<double>(prompts.size());
  for (std::size_t k = 0; k < kLengthFeatureCount; ++k) {
    mean[k] /= count;
    const double variance = scale[k] / count - mean[k] * mean[k];
    scale[k] = variance > 1e-12 ? std::sqrt(variance) : 1.0;
  }

  LearnedRouter router(std::move(encoder), mean, scale, LogisticModel{});
  std::vector<SparseVector> rows;
  rows.reserve(prompts.size());
  for (const auto& prompt : prompts) rows.push_back(router.featurize(prompt));
  router.model_ = LogisticModel::train(rows, labels, router.encoder_.dimension() + kLengthFeatureCount,
                                       options.logistic);
  return router;
}

nlohmann::json LearnedRouter::toJson() const {
  return {{"format", kFormat},
          {"version", 1},
          {"encoder", encoder_.toJson()},
          {"length_features",
           {{"names", {"log_bytes", "log_words", "log_lines", "symbol_share"}},
            {"mean", length_mean_},
            {"scale", length_scale_}}},
          {"model", model_.toJson()}};
}

LearnedRouter LearnedRouter::fromJson(const nlohmann::json& json) {
  if (json.value("format", "") != kFormat) {
    throw std::runtime_error("format: expected \"" + std::string(kFormat) + "\"");
  }
  if (json.value("version", 0) != 1) throw std::runtime_error("version: only version 1 is supported");
  auto encoder = TextEncoder::fromJson(json.at("encoder"));
  const auto& lengths = json.at("length_features");
  const auto mean = lengths.at("mean").get<std::array<double, kLengthFeatureCount>>();
  auto scale = lengths.at("scale").get<std::array<double, kLengthFeatureCount>>();
  for (std::size_t k = 0; k < kLengthFeatureCount; ++k) {
    if (!(scale[k] > 0)) throw std::runtime_error("length_features.scale[" + std::to_string(k) + "]: must be > 0");
  }
  auto model = LogisticModel::fromJson(json.at("model"));
  if (model.weights().size() != encoder.dimension() + kLengthFeatureCount) {
    throw std::runtime_error("model.dimension: must be the encoder dimension plus 4");
  }
  return LearnedRouter(std::move(encoder), mean, scale, std::move(model));
}

LearnedRouter LearnedRouter::load(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error(path.string() + ": cannot open the learned router model");
  try {
    return fromJson(nlohmann::json::parse(file));
  } catch (const std::exception& error) {
    throw std::runtime_error(path.string() + ": invalid learned router model: " + error.what());
  }
}

}  // namespace pointsman::analyze
