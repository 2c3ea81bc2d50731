#include "app/logging.hpp"

#include <pointsman/telemetry/buffered_stdout_sink.hpp>
#include <pointsman/telemetry/log_line_formatter.hpp>

#include <spdlog/spdlog.h>

namespace pointsman::app {

void configureLogging(const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>("pointsman", telemetry::makeBufferedStdoutSink());
  // "2026-12-05T10:45:01.123Z info message", the pattern "%Y-%m-%dT%H:%M:%S.%eZ %l %v" in UTC.
  logger->set_formatter(std::make_unique<telemetry::LogLineFormatter>());
  // Flushing every access line costs a write(2) per request; warnings and errors still go out
  // at once, and the rest within a second.
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  spdlog::flush_every(std::chrono::seconds(1));
  setLogLevel(level);
}

// Only the main logger: spdlog::set_level would also silence the request log, which is written
// at info whatever the log level.
void setLogLevel(const std::string& level) { spdlog::default_logger()->set_level(spdlog::level::from_str(level)); }

}  // namespace pointsman::app
