#include <pointsman/analyze/name_gazetteer.hpp>
#include <pointsman/analyze/task_classifier.hpp>

#include <bit>

namespace pointsman::analyze {
namespace {

enum class CharKind { Word, Space, Symbol };

CharKind kindOf(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') || byte == '_' ||
      byte >= 0x80) {
    return CharKind::Word;
  }
  if (byte == ' ' || byte == '\n' || byte == '\r' || byte == '\t') return CharKind::Space;
  return CharKind::Symbol;
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
void appendShapeFeatures(std::string_view text, std::vector<std::uint32_t>& out) {
  if (text.find("```") != std::string_view::npos) out.push_back(bucketOf(hashFoldedWord("\x01" "fence")));
  if (text.find("\\frac") != std::string_view::npos || text.find("$$") != std::string_view::npos ||
      text.find("\\(") != std::string_view::npos) {
    out.push_back(bucketOf(hashFoldedWord("\x01" "latex")));
  }
  if (text.find("\nA.") != std::string_view::npos && text.find("\nB.") != std::string_view::npos) {
    out.push_back(bucketOf(hashFoldedWord("\x01" "options")));
  }
  const int length_class = std::bit_width(text.size() / 64);
  out.push_back(bucketOf(hashFoldedWord("\x01" "length") + static_cast<std::uint64_t>(length_class)));
}

}  // namespace

void appendTaskFeatures(std::string_view text, std::vector<std::uint32_t>& out) {
  static const std::uint64_t kNumberHash = hashFoldedWord("\x01" "number");
  std::uint64_t previous = hashFoldedWord("\x01" "start");
  std::size_t i = 0;
  while (i < text.size()) {
    const CharKind kind = kindOf(text[i]);
    if (kind == CharKind::Space) {
      ++i;
      continue;
    }
    // The token is hashed while it is scanned, which saves two more passes over its bytes.
    FoldedWordHasher token;
    bool digits_only = true;
    const auto take = [&](char c) {
      token.add(c);
      digits_only = digits_only && c >= '0' && c <= '9';
    };
    if (kind == CharKind::Word) {
      for (; i < text.size() && kindOf(text[i]) == CharKind::Word; ++i) take(text[i]);
    } else {
      take(text[i]);
      ++i;  // Each symbol is a token of its own: "\boxed{" is "\", "boxed", "{".
    }
    const std::uint64_t hash = digits_only ? kNumberHash : token.value();
    out.push_back(bucketOf(hash));
    out.push_back(bucketOf(pairHash(previous, hash)));
    previous = hash;
  }
  appendShapeFeatures(text, out);
}

}  // namespace pointsman::analyze
