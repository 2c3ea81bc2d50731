#include "admin/spend_endpoint.hpp"

#include "admin/admin_replies.hpp"

#include <pointsman/accounting/money.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <ctime>
#include <map>
#include <optional>
#include <vector>

namespace pointsman::admin {
namespace asio = boost::asio;
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 5> kGroupFields = {"key", "team", "user", "route", "deployment"};

std::int64_t nowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// Finds the value of `name` in a query string. Values are not percent-decoded, because this
/// endpoint takes only numbers, dates and field names, which need no escaping.
std::optional<std::string_view> queryValue(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto end = query.find('&');
    const auto pair = query.substr(0, end);
    const auto equals = pair.find('=');
    if (pair.substr(0, equals) == name) return equals == std::string_view::npos ? "" : pair.substr(equals + 1);
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return std::nullopt;
}

/// Parses Unix seconds, "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ".
std::optional<std::int64_t> parseInstant(std::string_view text) {
  std::int64_t seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error == std::errc() && end == text.data() + text.size()) return seconds;

  std::tm parts{};
  const std::string copy(text);
  const char* rest = nullptr;
  if (copy.size() == 10) {
    rest = strptime(copy.c_str(), "%Y-%m-%d", &parts);
  } else {
    rest = strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%SZ", &parts);
  }
  if (rest == nullptr || *rest != '\0') return std::nullopt;
  return static_cast<std::int64_t>(timegm(&parts));
}

std::string isoInstant(std::int64_t unix_seconds) {
  const auto time = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

const std::string& fieldOf(const accounting::SpendRow& row, std::string_view field) {
  if (field == "team") return row.team;
  if (field == "user") return row.user;
  if (field == "route") return row.route;
  if (field == "deployment") return row.deployment;
  return row.key_name;
}

/// Reads `group_by` as a comma-separated list of fields; nothing when one is unknown.
std::optional<std::vector<std::string_view>> parseGroupBy(std::string_view text) {
  std::vector<std::string_view> fields;
  while (true) {
    const auto comma = text.find(',');
    const auto field = text.substr(0, comma);
    if (std::find(kGroupFields.begin(), kGroupFields.end(), field) == kGroupFields.end()) return std::nullopt;
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) fields.push_back(field);
    if (comma == std::string_view::npos) return fields;
    text.remove_prefix(comma + 1);
  }
}

/// Reads the query's `name` into `bound` when present; false when it is there but unreadable.
bool readBound(std::string_view query, std::string_view name, std::int64_t& bound) {
  const auto text = queryValue(query, name);
  if (!text) return true;
  const auto instant = parseInstant(*text);
  if (!instant) return false;
  bound = *instant;
  return true;
}

struct Totals {
  std::int64_t requests = 0;
  accounting::Nanos cost = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;

  void add(const accounting::SpendRow& row) {
    requests += row.requests;
    cost += row.cost;
    prompt_tokens += row.prompt_tokens;
    completion_tokens += row.completion_tokens;
  }
  void writeTo(json& out) const {
    out["requests"] = requests;
    out["cost_usd"] = accounting::usdFromNanos(cost);
    out["prompt_tokens"] = prompt_tokens;
    out["completion_tokens"] = completion_tokens;
  }
};

json groupedRows(const std::vector<accounting::SpendRow>& rows, const std::vector<std::string_view>& group_by,
                 Totals& total) {
  std::map<std::vector<std::string>, Totals> groups;
  for (const auto& row : rows) {
    std::vector<std::string> names;
    names.reserve(group_by.size());
    for (const auto field : group_by) names.push_back(fieldOf(row, field));
    groups[names].add(row);
    total.add(row);
  }

  std::vector<std::pair<std::vector<std::string>, Totals>> ordered(groups.begin(), groups.end());
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& left, const auto& right) { return left.second.cost > right.second.cost; });
  json data = json::array();
  for (const auto& [names, sums] : ordered) {
    json entry;
    for (std::size_t index = 0; index < group_by.size(); ++index) entry[std::string(group_by[index])] = names[index];
    sums.writeTo(entry);
    data.push_back(std::move(entry));
  }
  return data;
}

}  // namespace

asio::awaitable<void> answerSpend(http::IncomingRequest& request, http::ResponseWriter& writer,
                                  AccountingAdmin& accounting) {
  if (request.message.method() != "GET") {
    co_await sendMethodNotAllowed(writer, "GET");
    co_return;
  }
  const std::string_view target = request.message.target();
  const auto question = target.find('?');
  const auto query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

  // By default: today, UTC, up to now.
  const std::int64_t now = nowUnix();
  std::int64_t from = now - now % 86400;
  std::int64_t to = now + 1;
  std::string_view bad_bound;
  if (!readBound(query, "from", from)) {
    bad_bound = "from";
  } else if (!readBound(query, "to", to)) {
    bad_bound = "to";
  }
  if (!bad_bound.empty()) {
    co_await sendError(writer, 400,
                       "\"" + std::string(bad_bound) + "\" must be Unix seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ.",
                       "invalid_request_error", bad_bound, "invalid_time");
    co_return;
  }
  if (from >= to) {
    co_await sendError(writer, 400, "\"from\" must come before \"to\".", "invalid_request_error", "from",
                       "invalid_time");
    co_return;
  }
  const auto group_by = parseGroupBy(queryValue(query, "group_by").value_or("key"));
  if (!group_by) {
    co_await sendError(writer, 400, "\"group_by\" takes a comma-separated list of key, team, user, route and deployment.",
                       "invalid_request_error", "group_by", "invalid_group_by");
    co_return;
  }

  const auto rows = co_await accounting.store().spend(from, to);
  Totals total;
  json answer{{"object", "spend"}, {"from", isoInstant(from)}, {"to", isoInstant(to)}, {"group_by", *group_by}};
  answer["data"] = groupedRows(rows, *group_by, total);
  json total_json;
  total.writeTo(total_json);
  answer["total"] = std::move(total_json);
  co_await writer.sendResponse(200, jsonHeaders(), answer.dump(2));
}

}  // namespace pointsman::admin
