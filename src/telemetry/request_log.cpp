#include <pointsman/telemetry/request_log.hpp>

#include <spdlog/sinks/basic_file_sink.h>
#include <pointsman/telemetry/buffered_stdout_sink.hpp>
#include <spdlog/spdlog.h>

namespace pointsman::telemetry {

RequestLog::RequestLog(const std::string& path) {
  if (path.empty()) return;

  std::shared_ptr<spdlog::sinks::sink> sink;
  if (path == "-") {
    sink = makeBufferedStdoutSink();
  } else {
    sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path);
  }
  logger_ = std::make_shared<spdlog::logger>("request_log", std::move(sink));
  logger_->set_pattern("%v");
  logger_->set_level(spdlog::level::info);
  // Lines are buffered: registering the logger puts it under spdlog's once-a-second flush
  // (flush_every), which costs far less than a write(2) per request. A reload replaces the
  // registered logger; requests still holding the old one keep writing to it.
  logger_->flush_on(spdlog::level::warn);
  spdlog::drop("request_log");
  spdlog::register_logger(logger_);
}

void RequestLog::write(const RequestRecord& record) {
  if (logger_) logger_->info(formatRequestLogJson(record));
}

}  // namespace pointsman::telemetry
