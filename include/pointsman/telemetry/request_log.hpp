#pragma once

#include <pointsman/telemetry/request_record.hpp>

#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace pointsman::telemetry {

/// The JSON-lines request log: one object per request, to a file or to stdout ("-").
/// Writes go through spdlog, which serialises lines from every worker.
class RequestLog {
 public:
  /// Opens the sink; an empty path disables the log. Throws when the file cannot be opened
  /// (start-up and reload report it as a config problem).
  explicit RequestLog(const std::string& path);

  [[nodiscard]] bool enabled() const { return logger_ != nullptr; }
  void write(const RequestRecord& record);

 private:
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace pointsman::telemetry
