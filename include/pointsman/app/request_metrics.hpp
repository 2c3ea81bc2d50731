#pragma once

// The metric series every finished request updates, looked up once per worker. A lookup in a
// Family takes its shared lock and compares label strings. With one cache per worker, the request
// path does neither, so workers do not contend on the families' locks.

#include <pointsman/telemetry/gateway_metrics.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace pointsman::app {

/// The values one finished request adds to the request metrics.
struct FinishedRequest {
  std::string_view route_label;
  std::string_view deployment_label;
  unsigned status = 0;
  double total_seconds = 0;
  std::optional<double> time_to_first_token_seconds;
  std::optional<std::int64_t> prompt_tokens;
  std::optional<std::int64_t> completion_tokens;
};

/// One worker's cache of the request series. Children of a Family live as long as the Family,
/// so the cached pointers stay valid. The cache is not thread-safe, so each worker has its own.
class RequestMetrics {
 public:
  explicit RequestMetrics(telemetry::GatewayMetrics& metrics) : metrics_(metrics) {}

  void record(const FinishedRequest& request);

 private:
  struct Series {
    telemetry::Counter* requests = nullptr;
    telemetry::Histogram* duration = nullptr;
    telemetry::Histogram* time_to_first_token = nullptr;
    telemetry::Counter* prompt_tokens = nullptr;
    telemetry::Counter* completion_tokens = nullptr;
  };

  Series& seriesFor(std::string_view route, std::string_view deployment, std::string_view status_class);

  telemetry::GatewayMetrics& metrics_;
  std::map<std::string, Series, std::less<>> series_;
  std::string key_;
};

/// Returns the status class label: "2xx", "4xx", "5xx" and so on, and "499" for a client that
/// left.
std::string_view statusClassLabel(unsigned status, char (&storage)[4]);

}  // namespace pointsman::app
