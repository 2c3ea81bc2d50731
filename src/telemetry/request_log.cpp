#include <pointsman/telemetry/request_log.hpp>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace pointsman::telemetry {

RequestLog::RequestLog(const std::string& path) {
  if (path.empty()) return;

  std::shared_ptr<spdlog::sinks::sink> sink;
  if (path == "-") {
    sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path);
  }
  logger_ = std::make_shared<spdlog::logger>("request_log", std::move(sink));
  logger_->set_pattern("%v");
  logger_->set_level(spdlog::level::info);
  logger_->flush_on(spdlog::level::info);
}

void RequestLog::write(const RequestRecord& record) {
  if (logger_) logger_->info(formatRequestLogJson(record));
}

}  // namespace pointsman::telemetry
