#include <pointsman/api/usage.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <tuple>

namespace pointsman::api {
namespace {

// (prompt, completion, cached prompt, reasoning), so that gtest prints a mismatch field by field.
using UsageFields = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>;

std::optional<UsageFields> fieldsOf(const std::optional<Usage>& usage) {
  if (!usage) return std::nullopt;
  return UsageFields{usage->prompt_tokens, usage->completion_tokens, usage->cached_prompt_tokens,
                     usage->reasoning_tokens};
}

struct UsageCase {
  const char* name;
  std::string body;
  std::optional<UsageFields> expected;
};

const UsageCase kUsageCases[] = {
    {"plain usage",
     R"({"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}})",
     UsageFields{12, 3, 0, 0}},
    {"cached tokens",
     R"({"choices":[],"usage":{"prompt_tokens":2006,"completion_tokens":300,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0}}})",
     UsageFields{2006, 300, 1920, 0}},
    {"reasoning tokens",
     R"({"choices":[],"usage":{"prompt_tokens":75,"completion_tokens":1186,"completion_tokens_details":{"reasoning_tokens":1024,"accepted_prediction_tokens":0}}})",
     UsageFields{75, 1186, 0, 1024}},
    {"null usage", R"({"choices":[],"usage":null})", std::nullopt},
    {"missing usage", R"({"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"}}]})",
     std::nullopt},
    {"quoted usage in content",
     R"({"choices":[{"index":0,"message":{"role":"assistant","content":"the \"usage\" field"}}],"usage":{"prompt_tokens":4,"completion_tokens":5}})",
     UsageFields{4, 5, 0, 0}},
    {"quoted usage object in content without usage",
     R"({"choices":[{"index":0,"message":{"role":"assistant","content":"send \"usage\": {\"prompt_tokens\": 1}"}}]})",
     std::nullopt},
    {"content spelled usage", R"({"choices":[{"index":0,"message":{"content":"usage"}}],"usage":null})", std::nullopt},
    {"usage not last",
     R"({"usage":{"prompt_tokens":7,"completion_tokens":8},"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"}}]})",
     UsageFields{7, 8, 0, 0}},
    {"pretty printed",
     "{\n"
     "  \"id\": \"c1\",\n"
     "  \"usage\" : {\n"
     "    \"prompt_tokens\": 10,\n"
     "    \"completion_tokens\": 20,\n"
     "    \"prompt_tokens_details\": {\n"
     "      \"cached_tokens\": 6\n"
     "    },\n"
     "    \"completion_tokens_details\": {\"reasoning_tokens\": 2}\n"
     "  },\n"
     "  \"choices\": []\n"
     "}\n",
     UsageFields{10, 20, 6, 2}},
    {"braces inside strings of usage",
     R"({"usage":{"note":"{ not } a brace","prompt_tokens":1,"completion_tokens":2}})", UsageFields{1, 2, 0, 0}},
    {"missing counts", R"({"usage":{}})", UsageFields{0, 0, 0, 0}},
};

TEST(Usage, TextAndDocumentAgree) {
  for (const auto& test_case : kUsageCases) {
    const auto document = nlohmann::json::parse(test_case.body);
    const auto info = inspectResponseBody(test_case.body);

    EXPECT_EQ(fieldsOf(usageFromResponse(document)), test_case.expected) << "document, " << test_case.name;
    EXPECT_TRUE(info.valid_json) << "text, " << test_case.name;
    EXPECT_EQ(fieldsOf(info.usage), test_case.expected) << "text, " << test_case.name;
  }
}

TEST(Usage, NestedUsageKeyIsNotTopLevelUsage) {
  // Some providers repeat usage inside a vendor object. Only the top-level member is the
  // answer's usage, and the text reader promises the same result as the document reader.
  const std::string body =
      R"({"usage":{"prompt_tokens":1,"completion_tokens":2},"x_vendor":{"usage":{"prompt_tokens":100,"completion_tokens":200}}})";

  EXPECT_EQ(fieldsOf(usageFromResponse(nlohmann::json::parse(body))), (UsageFields{1, 2, 0, 0}));
  EXPECT_EQ(fieldsOf(inspectResponseBody(body).usage), (UsageFields{1, 2, 0, 0}));
}

TEST(Usage, NestedUsageAloneIsNoUsage) {
  const std::string body = R"({"choices":[],"x_vendor":{"usage":{"prompt_tokens":100,"completion_tokens":200}}})";

  EXPECT_FALSE(usageFromResponse(nlohmann::json::parse(body)).has_value());
  EXPECT_FALSE(inspectResponseBody(body).usage.has_value());
}

TEST(Usage, DocumentRejectsNonObjects) {
  EXPECT_FALSE(usageFromResponse(nlohmann::json::array()).has_value());
  EXPECT_FALSE(usageFromResponse(nlohmann::json("usage")).has_value());
  EXPECT_FALSE(usageFromResponse(nlohmann::json::parse(R"({"usage":[1,2]})")).has_value());
}

TEST(Usage, TextWithoutUsageObject) {
  const struct {
    const char* name;
    const char* body;
  } cases[] = {
      {"array usage", R"({"usage":[1,2]})"},
      {"string usage", R"({"usage":"none"})"},
      {"array body", R"([{"usage":{"prompt_tokens":1}}])"},
  };

  for (const auto& test_case : cases) {
    const auto info = inspectResponseBody(test_case.body);

    EXPECT_TRUE(info.valid_json) << test_case.name;
    EXPECT_FALSE(info.usage.has_value()) << test_case.name;
  }
}

TEST(Usage, TextRejectsInvalidJson) {
  const struct {
    const char* name;
    const char* body;
  } cases[] = {
      {"empty", ""},
      {"cut usage", R"({"usage":{"prompt_tokens":1,)"},
      {"invalid usage", R"({"usage":{"prompt_tokens":}})"},
      {"valid usage then garbage", R"({"usage":{"prompt_tokens":1}} trailing)"},
      {"html error page", "<html><body>502 Bad Gateway</body></html>"},
  };

  for (const auto& test_case : cases) {
    const auto info = inspectResponseBody(test_case.body);

    EXPECT_FALSE(info.valid_json) << test_case.name;
    EXPECT_FALSE(info.usage.has_value()) << test_case.name;
  }
}

TEST(Usage, TextReadsUsageAfterLargeDocument) {
  // A second parse on the same thread reuses the parser, so nothing from the first may leak.
  const std::string large = R"({"choices":[{"message":{"content":")" + std::string(100000, 'x') +
                            R"("}}],"usage":{"prompt_tokens":3,"completion_tokens":4}})";

  EXPECT_EQ(fieldsOf(inspectResponseBody(large).usage), (UsageFields{3, 4, 0, 0}));
  EXPECT_FALSE(inspectResponseBody(R"({"choices":[]})").usage.has_value());
}

TEST(Usage, CacheWriteTokensReadByBothReaders) {
  // The shape the Anthropic translation writes: cache reads and writes in prompt_tokens_details.
  const std::string body = R"({"usage":{"prompt_tokens":50,"completion_tokens":4,
    "prompt_tokens_details":{"cached_tokens":10,"cache_write_tokens":30}}})";

  const auto from_text = inspectResponseBody(body).usage;
  const auto from_document = usageFromResponse(nlohmann::json::parse(body));

  ASSERT_TRUE(from_text.has_value());
  ASSERT_TRUE(from_document.has_value());
  EXPECT_EQ(from_text->cache_write_tokens, 30);
  EXPECT_EQ(from_document->cache_write_tokens, 30);
  EXPECT_EQ(from_text->cached_prompt_tokens, 10);
  EXPECT_EQ(inspectResponseBody(R"({"usage":{"prompt_tokens":5}})").usage->cache_write_tokens, 0);
}

}  // namespace
}  // namespace pointsman::api
