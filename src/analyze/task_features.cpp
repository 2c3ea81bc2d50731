#include <pointsman/analyze/name_gazetteer.hpp>
#include <pointsman/analyze/task_classifier.hpp>

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
      digits_only &= static_cast<unsigned char>(c - '0') < 10;
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
