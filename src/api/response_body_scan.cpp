#include "api/response_body_scan.hpp"

#include <simdjson.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pointsman::api {
namespace {

/// Deeper bodies go to simdjson, whose own limit is 1024 levels. The scan recurses once per
/// level, so this also bounds its stack.
constexpr int kMaxDepth = 256;

/// A plain integer has at most this many digits, so it fits an int64 without an overflow check.
/// A longer integer part goes to simdjson, which decides whether it is in range.
constexpr int kMaxIntegerDigits = 18;

/// Longer fractions and exponents go to simdjson, which decides whether the value fits a double.
constexpr int kMaxFractionDigits = 64;
constexpr int kMaxExponentDigits = 2;

bool isJsonSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int hexDigitValue(char c) {
  if (isDigit(c)) return c - '0';
  const char lower = static_cast<char>(c | 0x20);
  return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
}

enum class NumberShape { Undecided, PlainInteger, Decimal };

/// A detail count that `usage` reports inside `prompt_tokens_details` or
/// `completion_tokens_details`. The first member of the name counts, as a lookup by key finds it.
struct DetailCount {
  std::string_view key;
  std::int64_t* count = nullptr;
  bool found = false;
};

/// A recursive descent over the grammar of RFC 8259. Every `false` means "cannot decide here":
/// a body the document parser must see.
class ResponseBodyScanner {
 public:
  explicit ResponseBodyScanner(std::string_view body) : at_(body.data()), end_(body.data() + body.size()) {}

  bool scan(ResponseBodyInfo& info) {
    skipSpace();
    if (at_ == end_) return false;

    const bool read = *at_ == '{' ? rootObject(info) : value(0);
    if (!read) return false;

    skipSpace();
    return at_ == end_;
  }

  /// Whether a byte of 0x80 or more was seen, so that the body's UTF-8 needs a check.
  bool sawNonAscii() const { return non_ascii_; }

 private:
  bool rootObject(ResponseBodyInfo& info) {
    bool usage_seen = false;
    return members([&](std::string_view key, bool escaped) {
      // An escaped key may spell `usage`.
      if (escaped) return false;
      if (key != "usage" || usage_seen) return value(1);

      // A lookup by key finds the first `usage`, so a later one is any other member.
      usage_seen = true;
      if (at_ == end_ || *at_ != '{') return value(1);
      Usage usage;
      if (!usageObject(usage)) return false;
      info.usage = usage;
      return true;
    });
  }

  bool usageObject(Usage& usage) {
    constexpr int kDepth = 2;
    return members([&](std::string_view key, bool escaped) {
      if (escaped) return false;
      if (key == "prompt_tokens") return count(usage.prompt_tokens, kDepth);
      if (key == "completion_tokens") return count(usage.completion_tokens, kDepth);
      // Each details object looks its counts up afresh.
      if (key == "prompt_tokens_details") {
        DetailCount targets[] = {{"cached_tokens", &usage.cached_prompt_tokens},
                                 {"cache_write_tokens", &usage.cache_write_tokens}};
        return details(targets, kDepth);
      }
      if (key == "completion_tokens_details") {
        DetailCount targets[] = {{"reasoning_tokens", &usage.reasoning_tokens}};
        return details(targets, kDepth);
      }
      return value(kDepth);
    });
  }

  /// Reads a details object into `targets`. Any other value leaves the counts as they are.
  bool details(std::span<DetailCount> targets, int depth) {
    if (at_ == end_ || *at_ != '{') return value(depth);

    return members([&](std::string_view key, bool escaped) {
      if (escaped) return false;
      for (auto& target : targets) {
        if (target.found || key != target.key) continue;
        target.found = true;
        return count(*target.count, depth + 1);
      }
      return value(depth + 1);
    });
  }

  /// Reads a token count: a plain integer, or 0 for a value that is no number. A fraction or an
  /// exponent is left to simdjson, which converts it.
  bool count(std::int64_t& result, int depth) {
    if (at_ != end_ && (*at_ == '-' || isDigit(*at_))) {
      std::int64_t integer = 0;
      if (number(integer) != NumberShape::PlainInteger) return false;
      result = integer;
      return true;
    }
    result = 0;
    return value(depth);
  }

  /// Reads any value. Its containers lie one level below `depth`.
  bool value(int depth) {
    if (at_ == end_) return false;
    switch (*at_) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"': {
        std::string_view ignored;
        bool escaped = false;
        return string(ignored, escaped);
      }
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default: {
        std::int64_t ignored = 0;
        return number(ignored) != NumberShape::Undecided;
      }
    }
  }

  bool object(int depth) {
    if (depth > kMaxDepth) return false;
    return members([&](std::string_view, bool) { return value(depth); });
  }

  /// Reads an object from its `{`. `read_value(key, escaped)` reads each member's value, from
  /// its first byte.
  template <typename ReadValue>
  bool members(ReadValue&& read_value) {
    if (openIsEmpty('}')) return true;

    for (;;) {
      std::string_view key;
      bool escaped = false;
      if (at_ == end_ || *at_ != '"' || !string(key, escaped)) return false;
      if (!expect(':')) return false;
      skipSpace();

      if (!read_value(key, escaped)) return false;

      bool closed = false;
      if (!afterItem('}', closed)) return false;
      if (closed) return true;
    }
  }

  /// Steps over a container's opening byte, and over `close` when it follows at once. Returns
  /// whether it did, that is whether the container is empty.
  bool openIsEmpty(char close) {
    ++at_;
    skipSpace();
    if (at_ == end_ || *at_ != close) return false;
    ++at_;
    return true;
  }

  /// Reads what follows a member or an element: `close`, which ends the container and sets
  /// `closed`, or a comma before the next item.
  bool afterItem(char close, bool& closed) {
    skipSpace();
    if (at_ == end_) return false;
    if (*at_ == close) {
      ++at_;
      closed = true;
      return true;
    }
    if (*at_ != ',') return false;
    ++at_;
    skipSpace();
    return true;
  }

  /// Steps over `byte`, after any space.
  bool expect(char byte) {
    // Compact JSON has the byte right here. Testing it first runs about 7 % fewer instructions
    // per scan than skipping space first.
    if (at_ != end_ && *at_ == byte) {
      ++at_;
      return true;
    }
    skipSpace();
    if (at_ == end_ || *at_ != byte) return false;
    ++at_;
    return true;
  }

  bool array(int depth) {
    if (depth > kMaxDepth) return false;
    if (openIsEmpty(']')) return true;

    for (;;) {
      if (!value(depth)) return false;

      bool closed = false;
      if (!afterItem(']', closed)) return false;
      if (closed) return true;
    }
  }

  /// Reads a string from its opening quote. `raw` gets the bytes between the quotes, escapes
  /// as written, and `escaped` is set when there were any.
  bool string(std::string_view& raw, bool& escaped) {
    const char* const start = ++at_;
    for (;;) {
      at_ = findStringStop(at_);
      if (at_ == end_) return false;

      if (*at_ == '"') {
        raw = std::string_view(start, static_cast<std::size_t>(at_ - start));
        ++at_;
        return true;
      }
      // An unescaped control byte is not JSON.
      if (*at_ != '\\') return false;
      escaped = true;
      if (!escape()) return false;
    }
  }

  /// Returns the first quote, backslash or control byte from `p` on, or `end_`.
  const char* findStringStop(const char* p) {
#if defined(__SSE2__)
    int high_bits = 0;
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i first_printable = _mm_set1_epi8(0x20);
    while (end_ - p >= 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      // Bytes of 0x80 and more compare as negative, so the control test drops them by `high`.
      const int high = _mm_movemask_epi8(bytes);
      const __m128i stops = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                                         _mm_cmplt_epi8(bytes, first_printable));
      const int mask = _mm_movemask_epi8(stops) & ~high;
      // Also set for bytes past the stop: a needless UTF-8 check at worst.
      high_bits |= high;
      if (mask != 0) {
        non_ascii_ |= high_bits != 0;
        return p + std::countr_zero(static_cast<unsigned>(mask));
      }
      p += 16;
    }
    non_ascii_ |= high_bits != 0;
#endif
    for (; p != end_; ++p) {
      const auto byte = static_cast<unsigned char>(*p);
      if (byte == '"' || byte == '\\' || byte < 0x20) return p;
      non_ascii_ |= byte >= 0x80;
    }
    return p;
  }

  /// Reads one escape from its backslash. Response bodies seldom contain escapes, so the code
  /// stays out of the loop that reads strings.
  [[gnu::noinline, gnu::cold]] bool escape() {
    if (end_ - at_ < 2) return false;
    switch (at_[1]) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        at_ += 2;
        return true;
      case 'u':
        break;
      default:
        return false;
    }

    if (end_ - at_ < 6) return false;
    unsigned code = 0;
    for (int i = 2; i < 6; ++i) {
      const int digit = hexDigitValue(at_[i]);
      if (digit < 0) return false;
      code = code * 16 + static_cast<unsigned>(digit);
    }
    // Surrogates must come in pairs, and simdjson checks that.
    if (code >= 0xD800 && code <= 0xDFFF) return false;
    at_ += 6;
    return true;
  }

  NumberShape number(std::int64_t& integer) {
    const char* p = at_;
    const bool negative = p != end_ && *p == '-';
    if (negative) ++p;
    if (p == end_ || !isDigit(*p)) return NumberShape::Undecided;

    // A leading zero ends the integer part. A digit after it then fails where the caller
    // expects a separator.
    std::int64_t magnitude = 0;
    if (*p == '0') {
      ++p;
    } else {
      const char* const digits = p;
      while (p != end_ && isDigit(*p)) {
        if (p - digits == kMaxIntegerDigits) return NumberShape::Undecided;
        magnitude = magnitude * 10 + (*p - '0');
        ++p;
      }
    }

    bool decimal = false;
    if (p != end_ && *p == '.') {
      ++p;
      if (!skipDigits(p, kMaxFractionDigits)) return NumberShape::Undecided;
      decimal = true;
    }
    if (p != end_ && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p != end_ && (*p == '+' || *p == '-')) ++p;
      if (!skipDigits(p, kMaxExponentDigits)) return NumberShape::Undecided;
      decimal = true;
    }

    at_ = p;
    if (decimal) return NumberShape::Decimal;
    integer = negative ? -magnitude : magnitude;
    return NumberShape::PlainInteger;
  }

  /// Skips one to `limit` digits from `p`.
  bool skipDigits(const char*& p, int limit) const {
    const char* const digits = p;
    while (p != end_ && isDigit(*p)) {
      if (p - digits == limit) return false;
      ++p;
    }
    return p != digits;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - at_) < word.size() || std::memcmp(at_, word.data(), word.size()) != 0) {
      return false;
    }
    at_ += word.size();
    return true;
  }

  void skipSpace() {
    // Compact JSON has no space between tokens, and no token starts at or below the space.
    if (at_ == end_ || static_cast<unsigned char>(*at_) > ' ') return;
    while (at_ != end_ && isJsonSpace(*at_)) ++at_;
  }

  const char* at_;
  const char* end_;
  bool non_ascii_ = false;
};

}  // namespace

std::optional<ResponseBodyInfo> scanResponseBody(std::string_view body) {
  ResponseBodyInfo info;
  ResponseBodyScanner scanner(body);
  if (!scanner.scan(info)) return std::nullopt;

  // simdjson rejects a document that is not UTF-8, so the scan does too.
  if (scanner.sawNonAscii() && !simdjson::validate_utf8(body.data(), body.size())) return std::nullopt;

  info.valid_json = true;
  return info;
}

}  // namespace pointsman::api
