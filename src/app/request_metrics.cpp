#include <pointsman/app/request_metrics.hpp>

namespace pointsman::app {

std::string_view statusClassLabel(unsigned status, char (&storage)[4]) {
  if (status == 499) return "499";
  storage[0] = static_cast<char>('0' + status / 100 % 10);
  storage[1] = 'x';
  storage[2] = 'x';
  return std::string_view(storage, 3);
}

void RequestMetrics::record(const FinishedRequest& request) {
  char status_storage[4];
  const auto status_class = statusClassLabel(request.status, status_storage);
  Series& series = seriesFor(request.route_label, request.deployment_label, status_class);

  series.requests->increment();
  series.duration->observe(request.total_seconds);

  // These series are made on first use only, so a deployment that never streamed or reported
  // usage shows no empty series for them.
  const auto deployment = request.deployment_label;
  if (request.time_to_first_token_seconds) {
    if (series.time_to_first_token == nullptr) {
      series.time_to_first_token = &metrics_.time_to_first_token.labels({deployment});
    }
    series.time_to_first_token->observe(*request.time_to_first_token_seconds);
  }
  if (request.prompt_tokens && request.completion_tokens) {
    if (series.prompt_tokens == nullptr) {
      series.prompt_tokens = &metrics_.tokens.labels({deployment, "prompt"});
      series.completion_tokens = &metrics_.tokens.labels({deployment, "completion"});
    }
    series.prompt_tokens->increment(static_cast<double>(*request.prompt_tokens));
    series.completion_tokens->increment(static_cast<double>(*request.completion_tokens));
  }
}

RequestMetrics::Series& RequestMetrics::seriesFor(std::string_view route, std::string_view deployment,
                                                  std::string_view status_class) {
  key_.clear();
  key_.append(route).append(1, '\x01').append(deployment).append(1, '\x01').append(status_class);
  if (const auto found = series_.find(std::string_view(key_)); found != series_.end()) return found->second;

  Series series;
  series.requests = &metrics_.requests.labels({route, deployment, status_class});
  series.duration = &metrics_.request_duration.labels({route});
  return series_.emplace(key_, series).first->second;
}

}  // namespace pointsman::app
