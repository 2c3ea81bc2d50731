#include "api/response_body_scan.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace pointsman::api {
namespace {

// Every field of the result, so that gtest prints a mismatch field by field.
using Fields = std::tuple<bool, bool, std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t>;

Fields fieldsOf(const ResponseBodyInfo& info) {
  const Usage usage = info.usage.value_or(Usage{});
  return {info.valid_json,           info.usage.has_value(),   usage.prompt_tokens,  usage.completion_tokens,
          usage.cached_prompt_tokens, usage.cache_write_tokens, usage.reasoning_tokens};
}

/// A response body like the mock upstream's in the anchor benchmark, as OpenAI writes one.
const std::string kAnswer =
    R"({"id":"chatcmpl-1","object":"chat.completion","created":1733300000,"model":"gpt-4o-mini",)"
    R"("choices":[{"index":0,"message":{"role":"assistant","content":"Sure! Here is a \"short\" answer.\nIt ends here.",)"
    R"("refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],)"
    R"("usage":{"prompt_tokens":212,"completion_tokens":74,"total_tokens":286,)"
    R"("prompt_tokens_details":{"cached_tokens":128,"audio_tokens":0},)"
    R"("completion_tokens_details":{"reasoning_tokens":9,"audio_tokens":0,"accepted_prediction_tokens":0}},)"
    R"("service_tier":"default","system_fingerprint":"fp_mock"})";

void expectScanDecidesLikeTheDocument(const std::string& body) {
  const auto scanned = scanResponseBody(body);

  ASSERT_TRUE(scanned.has_value()) << body;
  EXPECT_EQ(fieldsOf(*scanned), fieldsOf(inspectResponseDocument(body))) << body;
}

TEST(ResponseBodyScan, ReadsOpenAiResponse) {
  const auto scanned = scanResponseBody(kAnswer);

  ASSERT_TRUE(scanned.has_value());
  EXPECT_EQ(fieldsOf(*scanned), (Fields{true, true, 212, 74, 128, 0, 9}));
  EXPECT_EQ(fieldsOf(*scanned), fieldsOf(inspectResponseDocument(kAnswer)));
}

TEST(ResponseBodyScan, CommonShapesMatchDocument) {
  const std::string bodies[] = {
      kAnswer,
      R"({"choices":[],"usage":null})",
      R"({"choices":[]})",
      R"({"usage":[1,2]})",
      R"([{"usage":{"prompt_tokens":1}}])",
      R"("just a string")",
      "  42 ",
      "null",
      R"({"usage":{"prompt_tokens":"12","completion_tokens":true}})",
      R"({"usage":{"prompt_tokens":-3,"completion_tokens":0}})",
      R"({"usage":{"prompt_tokens":1},"usage":{"prompt_tokens":2}})",
      R"({"usage":null,"usage":{"prompt_tokens":2}})",
      R"({"usage":{"prompt_tokens":1,"prompt_tokens":5}})",
      R"({"usage":{"prompt_tokens_details":{"cached_tokens":4,"cached_tokens":6}}})",
      R"({"usage":{"prompt_tokens_details":{"cached_tokens":4},"prompt_tokens_details":{"audio_tokens":1}}})",
      R"({"usage":{"prompt_tokens_details":{"cached_tokens":4},"prompt_tokens_details":{"cached_tokens":7}}})",
      R"({"usage":{"prompt_tokens_details":[1],"completion_tokens_details":"none"}})",
      R"({"x_vendor":{"usage":{"prompt_tokens":100}},"usage":{"prompt_tokens":1}})",
      R"({"choices":[{"message":{"content":"caf\u00e9 — 😀 \/ \b\f\r\t"}}],"usage":{"prompt_tokens":3}})",
      R"({"logprobs":[-0.0012,1.5e-7,2E+10,0.0,-0]})",
      "{\n  \"usage\" : {\n    \"prompt_tokens\" : 10 ,\n    \"completion_tokens\":20\n  }\n}\n",
      R"({"a":{"b\"c":1},"usage":{"note":"{ not } a brace","prompt_tokens":1}})",
  };

  for (const auto& body : bodies) expectScanDecidesLikeTheDocument(body);
}

TEST(ResponseBodyScan, InvalidJsonLeftToDocument) {
  const std::string bodies[] = {
      "",
      "   ",
      "<html>Bad gateway</html>",
      R"({"usage":{"prompt_tokens":1}})"
      "x",
      R"({"a":1,})",
      R"({"a":[1,2,]})",
      R"({"a":"unterminated})",
      "{\"a\":\"line\nbreak\"}",
      R"({"a":"\x"})",
      R"({"a":"\u12G4"})",
      R"({"a":01})",
      R"({"a":1.})",
      R"({"a":-})",
      R"({"a":1e})",
      R"({"a":tru})",
      R"({"a":truth})",
      R"({a:1})",
      R"({"a" 1})",
      "{\"a\":\"\xC3\x28\"}",
      "{\"a\":\"\xED\xA0\x80\"}",
      "{\"a\":\"\xF4\x90\x80\x80\"}",
      "{\"a\":1}\xC3\xA9",
  };

  for (const auto& body : bodies) {
    EXPECT_FALSE(scanResponseBody(body).has_value()) << body;
    EXPECT_FALSE(inspectResponseDocument(body).valid_json) << body;
  }
}

TEST(ResponseBodyScan, RareShapesLeftToDocument) {
  const std::string deep = std::string(300, '[') + std::string(300, ']');
  const std::string bodies[] = {
      // The scan does not unescape keys where `usage` or its counts may be, and this one spells
      // usage.
      R"({"us\u0061ge":{"prompt_tokens":5}})",
      R"({"usage":{"prompt\u005ftokens":5}})",
      R"({"a\"b":1})",
      // Surrogate pairs are simdjson's to check.
      R"({"a":"\ud83d\ude00"})",
      // Counts that are not plain integers, and numbers that may leave a double's range.
      R"({"usage":{"prompt_tokens":12.0}})",
      R"({"usage":{"prompt_tokens":1e3}})",
      R"({"a":12345678901234567890})",
      deep,
  };

  for (const auto& body : bodies) {
    EXPECT_FALSE(scanResponseBody(body).has_value()) << body;
    EXPECT_TRUE(inspectResponseDocument(body).valid_json) << body;
  }
}

TEST(ResponseBodyScan, HugeNumbersLeftToDocument) {
  // RFC 8259 allows them, simdjson rejects them, and the scan must not decide otherwise.
  const std::string body = R"({"a":1e400})";

  EXPECT_FALSE(scanResponseBody(body).has_value());
  EXPECT_FALSE(inspectResponseDocument(body).valid_json);
}

/// Writes random JSON that leans on the members the scan reads, with pieces the scan must leave
/// alone: escapes, non-ASCII text, numbers of every shape, duplicate keys and deep nesting.
class RandomAnswer {
 public:
  explicit RandomAnswer(std::uint32_t seed) : random_(seed) {}

  std::string body() {
    std::string out;
    space(out);
    if (chance(9)) {
      value(out, 0);
    } else {
      object(out, 1, kRootKeys);
    }
    space(out);
    return out;
  }

 private:
  static constexpr const char* kRootKeys[] = {"usage", "usage", "choices", "id", "x_vendor"};
  static constexpr const char* kUsageKeys[] = {"prompt_tokens", "completion_tokens", "total_tokens",
                                               "prompt_tokens_details", "completion_tokens_details", "usage"};
  static constexpr const char* kDetailKeys[] = {"cached_tokens", "cache_write_tokens", "reasoning_tokens",
                                                "audio_tokens"};
  /// Keys the scan leaves to the document wherever the counts may be.
  static constexpr const char* kEscapedKeys[] = {"us\\u0061ge", "a\\\"b", "prompt\\u005ftokens"};
  static constexpr const char* kNumbers[] = {"0",    "-0",     "7",   "-12",  "212",   "3.25", "1e3",
                                             "1E-7", "2.5e+2", "0.0", "-0.5", "123456789012345678",
                                             "1234567890123456789", "1e400", "12.0"};
  static constexpr const char* kStringPieces[] = {"plain", " ", "\\\"", "\\\\", "\\n", "\\u00e9", "\\ud83d\\ude00",
                                                  "\\/", "caf\xC3\xA9", "\xF0\x9F\x98\x80", "{", "}", "usage", ":"};

  bool chance(unsigned in) { return random_() % in == 0; }

  template <std::size_t N>
  const char* pick(const char* const (&items)[N]) {
    return items[random_() % N];
  }

  void space(std::string& out) {
    static constexpr const char* kSpaces[] = {"", "", "", " ", "\n  ", "\t", "\r\n"};
    out += pick(kSpaces);
  }

  void string(std::string& out) {
    out += '"';
    const unsigned pieces = random_() % 4;
    for (unsigned i = 0; i < pieces; ++i) out += pick(kStringPieces);
    out += '"';
  }

  template <std::size_t N>
  void object(std::string& out, int depth, const char* const (&keys)[N]) {
    out += '{';
    const unsigned count = random_() % 5;
    for (unsigned i = 0; i < count; ++i) {
      if (i > 0) out += ',';
      space(out);
      const char* key = chance(4) ? "other" : chance(60) ? pick(kEscapedKeys) : pick(keys);
      out += '"';
      out += key;
      out += '"';
      space(out);
      out += ':';
      space(out);
      memberValue(out, depth, key);
      space(out);
    }
    out += '}';
  }

  void memberValue(std::string& out, int depth, std::string_view key) {
    if (key == "usage" && !chance(5)) return object(out, depth + 1, kUsageKeys);
    if (key.ends_with("_details") && !chance(5)) return object(out, depth + 1, kDetailKeys);
    if (key.ends_with("tokens") && !chance(4)) {
      out += pick(kNumbers);
      return;
    }
    value(out, depth);
  }

  void value(std::string& out, int depth) {
    if (depth > 3) {
      if (chance(40)) out += std::string(300, '[') + std::string(300, ']');
      return string(out);
    }
    switch (random_() % 7) {
      case 0:
        return object(out, depth + 1, kRootKeys);
      case 1: {
        out += '[';
        const unsigned count = random_() % 4;
        for (unsigned i = 0; i < count; ++i) {
          if (i > 0) out += ',';
          space(out);
          value(out, depth + 1);
        }
        out += ']';
        return;
      }
      case 2:
        out += pick(kNumbers);
        return;
      case 3: {
        static constexpr const char* kLiterals[] = {"true", "false", "null"};
        out += pick(kLiterals);
        return;
      }
      default:
        return string(out);
    }
  }

  std::mt19937 random_;
};

/// Spoils a body at a random place, in the ways a broken upstream or a cut connection would.
void mutate(std::string& body, std::mt19937& random) {
  if (body.empty()) return;
  static constexpr char kBytes[] = {'"', '\\', '{', '}', '[', ']', ':', ',', '1', '-', '.', 'e', 'u', ' ', '\n', '\x01', '\x80', '\xC3', '\xFF'};
  const std::size_t at = random() % body.size();
  switch (random() % 4) {
    case 0:
      body.erase(at, 1 + random() % 3);
      return;
    case 1:
      body.insert(at, 1, kBytes[random() % sizeof(kBytes)]);
      return;
    case 2:
      body[at] = kBytes[random() % sizeof(kBytes)];
      return;
    default:
      body.resize(at);
      return;
  }
}

TEST(ResponseBodyScan, RandomBodiesMatchDocument) {
  RandomAnswer generator(20261205);
  std::mt19937 random(7);
  int decided_valid = 0;
  int decided_with_usage = 0;
  int left_valid = 0;
  int left_invalid = 0;

  for (int i = 0; i < 40000; ++i) {
    std::string body = generator.body();
    if (i % 2 == 1) mutate(body, random);

    const auto scanned = scanResponseBody(body);
    const auto document = inspectResponseDocument(body);

    if (scanned) {
      ASSERT_EQ(fieldsOf(*scanned), fieldsOf(document)) << body;
      ++decided_valid;
      if (scanned->usage) ++decided_with_usage;
    } else if (document.valid_json) {
      ++left_valid;
    } else {
      ++left_invalid;
    }
  }

  // The generator must reach every outcome, or the comparison above proves little.
  EXPECT_GT(decided_valid, 10000);
  EXPECT_GT(decided_with_usage, 2000);
  EXPECT_GT(left_valid, 1000);
  EXPECT_GT(left_invalid, 5000);
}

}  // namespace
}  // namespace pointsman::api
