#include <pointsman/analyze/name_gazetteer.hpp>
#include <pointsman/analyze/task_classifier.hpp>

#include "analyze/task_features.hpp"

#include <array>
#include <bit>
#include <cstdint>

namespace pointsman::analyze {
namespace {

enum class CharKind : std::uint8_t { Word, Space, Symbol };

constexpr std::array<CharKind, 256> makeCharKinds() {
  std::array<CharKind, 256> kinds{};
  for (int byte = 0; byte < 256; ++byte) {
    auto& kind = kinds[static_cast<std::size_t>(byte)];
    if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') || byte == '_' ||
        byte >= 0x80) {
      kind = CharKind::Word;
    } else if (byte == ' ' || byte == '\n' || byte == '\r' || byte == '\t') {
      kind = CharKind::Space;
    } else {
      kind = CharKind::Symbol;
    }
  }
  return kinds;
}

/// One table lookup per byte: the scan classifies every byte it reads.
constexpr std::array<CharKind, 256> kCharKinds = makeCharKinds();

CharKind kindOf(char c) { return kCharKinds[static_cast<unsigned char>(c)]; }

/// Maps each word byte (CharKind::Word) to its lowercase form as FoldedWordHasher folds it, and
/// every other byte to 0, so that one lookup both ends a word and folds its bytes.
constexpr std::array<unsigned char, 256> kFoldedWordBytes = [] {
  std::array<unsigned char, 256> folded{};
  for (int byte = 1; byte < 256; ++byte) {
    if (kCharKinds[static_cast<std::size_t>(byte)] != CharKind::Word) continue;
    folded[static_cast<std::size_t>(byte)] =
        static_cast<unsigned char>(byte >= 'A' && byte <= 'Z' ? byte + 32 : byte);
  }
  return folded;
}();

// Hashes the word that starts at `begin` into `token` and returns its end. Without `Bounded` the
// caller guarantees a non-word byte between `begin` and the end of the text, which ends the loop
// without a test of the position against the size.
template <bool Bounded>
std::size_t hashWord(std::string_view text, std::size_t begin, FoldedWordHasher& token) {
  std::size_t at = begin;
  for (; !Bounded || at < text.size(); ++at) {
    const unsigned char folded = kFoldedWordBytes[static_cast<unsigned char>(text[at])];
    if (folded == 0) break;
    token.addLowercase(folded);
  }
  return at;
}

// The end of the text without a word that runs to its end: every word that starts before it also
// ends before it.
std::size_t guardedEnd(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0 && kFoldedWordBytes[static_cast<unsigned char>(text[end - 1])] != 0) --end;
  return end;
}

bool isDigitRun(std::string_view text, std::size_t begin, std::size_t end) {
  for (std::size_t at = begin; at < end; ++at) {
    if (static_cast<unsigned char>(text[at] - '0') >= 10) return false;
  }
  return true;
}

std::uint32_t bucketOf(std::uint64_t hash) {
  // Fold the high bits in: FNV's low bits alone spread short words poorly.
  return static_cast<std::uint32_t>((hash ^ (hash >> 29)) & (kTaskFeatureBuckets - 1));
}

std::uint64_t pairHash(std::uint64_t first, std::uint64_t second) {
  return (first * 0x9E3779B97F4A7C15ull) ^ (second + 0x632BE59BD9B4E019ull);
}

// Markers for the layout of a prompt, which words alone miss: fenced code, LaTeX, lettered
// answer options, and the length as a power of two.
template <typename Visit>
void visitShapeFeatures(std::string_view text, Visit& visit) {
  if (text.find("```") != std::string_view::npos) visit(bucketOf(hashFoldedWord("\x01" "fence")));
  if (text.find("\\frac") != std::string_view::npos || text.find("$$") != std::string_view::npos ||
      text.find("\\(") != std::string_view::npos) {
    visit(bucketOf(hashFoldedWord("\x01" "latex")));
  }
  if (text.find("\nA.") != std::string_view::npos && text.find("\nB.") != std::string_view::npos) {
    visit(bucketOf(hashFoldedWord("\x01" "options")));
  }
  const int length_class = std::bit_width(text.size() / 64);
  visit(bucketOf(hashFoldedWord("\x01" "length") + static_cast<std::uint64_t>(length_class)));
}

// Calls `visit(bucket)` for each feature bucket of `text`, in order: the words and pairs, then the
// shape markers.
template <typename Visit>
void visitTaskFeatures(std::string_view text, Visit& visit) {
  static const std::uint64_t kNumberHash = hashFoldedWord("\x01" "number");
  std::uint64_t previous = hashFoldedWord("\x01" "start");
  const std::size_t guarded_end = guardedEnd(text);
  std::size_t i = 0;
  while (i < text.size()) {
    const CharKind kind = kindOf(text[i]);
    if (kind == CharKind::Space) {
      ++i;
      continue;
    }
    // The token is hashed while it is scanned, which saves two more passes over its bytes.
    FoldedWordHasher token;
    bool digits_only = false;
    if (kind == CharKind::Word) {
      const std::size_t begin = i;
      i = begin < guarded_end ? hashWord<false>(text, begin, token)
                              : hashWord<true>(text, begin, token);
      // Most words start with a letter, so only a word that starts with a digit is read again.
      const bool starts_with_digit = static_cast<unsigned char>(text[begin] - '0') < 10;
      digits_only = starts_with_digit && isDigitRun(text, begin + 1, i);
    } else {
      token.add(text[i]);
      ++i;  // Each symbol is a token of its own: "\boxed{" is "\", "boxed", "{".
    }
    const std::uint64_t hash = digits_only ? kNumberHash : token.value();
    visit(bucketOf(hash));
    visit(bucketOf(pairHash(previous, hash)));
    previous = hash;
  }
  visitShapeFeatures(text, visit);
}

}  // namespace

void appendTaskFeatures(std::string_view text, std::vector<std::uint32_t>& out) {
  const auto append = [&out](std::uint32_t bucket) { out.push_back(bucket); };
  visitTaskFeatures(text, append);
}

void addTaskFeatureWeights(std::string_view text, const float* weights, TaskLogits& logits) {
  // A local copy, which the weights cannot alias, can stay in registers.
  TaskLogits sums = logits;
  const auto add = [weights, &sums](std::uint32_t bucket) {
    const float* row = weights + std::size_t{bucket} * kTaskTypeCount;
    for (std::size_t i = 0; i < kTaskTypeCount; ++i) sums[i] += row[i];
  };
  visitTaskFeatures(text, add);
  logits = sums;
}

}  // namespace pointsman::analyze
