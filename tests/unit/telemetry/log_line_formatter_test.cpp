#include <pointsman/telemetry/log_line_formatter.hpp>

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace pointsman::telemetry {
namespace {

/// The pattern the gateway's logger used before it had a formatter of its own.
constexpr const char* kPattern = "%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v";

std::string formatWith(spdlog::formatter& formatter, const spdlog::details::log_msg& message) {
  spdlog::memory_buf_t out;
  formatter.format(message, out);
  return {out.data(), out.size()};
}

TEST(LogLineFormatter, WritesWhatThePatternWrote) {
  LogLineFormatter formatter;
  spdlog::pattern_formatter pattern(kPattern, spdlog::pattern_time_type::utc);
  const auto base = std::chrono::system_clock::time_point(std::chrono::seconds(1'764'931'501));

  // Second and millisecond edges, a date 90 days later and every level. The order moves the
  // cached second backwards as well as forwards.
  const std::chrono::milliseconds offsets[] = {std::chrono::milliseconds(0),    std::chrono::milliseconds(999),
                                               std::chrono::milliseconds(1000), std::chrono::milliseconds(7),
                                               std::chrono::hours(24 * 90),     std::chrono::milliseconds(-1)};
  const spdlog::level::level_enum levels[] = {spdlog::level::trace, spdlog::level::debug,    spdlog::level::info,
                                              spdlog::level::warn,  spdlog::level::err,      spdlog::level::critical};
  for (const auto offset : offsets) {
    for (const auto level : levels) {
      spdlog::details::log_msg message("pointsman", level, "req=abc endpoint=chat {braces} kept");
      message.time = base + offset;

      EXPECT_EQ(formatWith(formatter, message), formatWith(pattern, message)) << offset.count();
    }
  }
}

TEST(LogLineFormatter, CloneFormatsTheSame) {
  LogLineFormatter formatter;
  const auto copy = formatter.clone();
  spdlog::details::log_msg message("pointsman", spdlog::level::info, "started");
  message.time = std::chrono::system_clock::time_point(std::chrono::seconds(1'709'164'800));  // 2024-02-29

  EXPECT_EQ(formatWith(*copy, message), "2024-02-29T00:00:00.000Z info started\n");
}

}  // namespace
}  // namespace pointsman::telemetry
