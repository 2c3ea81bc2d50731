#include <pointsman/telemetry/log_line_formatter.hpp>

#include <spdlog/common.h>
#include <spdlog/details/log_msg.h>

#include <chrono>
#include <ctime>

namespace pointsman::telemetry {
namespace {

void putDigits(char* out, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

void LogLineFormatter::format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& dest) {
  const auto since_epoch = message.time.time_since_epoch();
  const auto second = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  if (second != cached_second_) {
    const std::time_t as_time_t = second;
    std::tm utc{};
    gmtime_r(&as_time_t, &utc);
    putDigits(second_text_, utc.tm_year + 1900, 4);
    second_text_[4] = '-';
    putDigits(second_text_ + 5, utc.tm_mon + 1, 2);
    second_text_[7] = '-';
    putDigits(second_text_ + 8, utc.tm_mday, 2);
    second_text_[10] = 'T';
    putDigits(second_text_ + 11, utc.tm_hour, 2);
    second_text_[13] = ':';
    putDigits(second_text_ + 14, utc.tm_min, 2);
    second_text_[16] = ':';
    putDigits(second_text_ + 17, utc.tm_sec, 2);
    second_text_[19] = '.';
    cached_second_ = second;
  }

  char millis[3];
  putDigits(millis, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000), 3);
  const auto level = spdlog::level::to_string_view(message.level);

  dest.append(second_text_, second_text_ + sizeof second_text_);
  dest.append(millis, millis + sizeof millis);
  dest.push_back('Z');
  dest.push_back(' ');
  dest.append(level.data(), level.data() + level.size());
  dest.push_back(' ');
  dest.append(message.payload.data(), message.payload.data() + message.payload.size());
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> LogLineFormatter::clone() const { return std::make_unique<LogLineFormatter>(); }

}  // namespace pointsman::telemetry
