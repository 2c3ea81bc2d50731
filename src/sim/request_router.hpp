// Maps each HTTP request to the reply plan of its endpoint, with the faults and overrides of its
// model and headers applied.
#pragma once

#include "sim/reply_plan.hpp"
#include "sim/sim_config.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <cstdint>
#include <string>

namespace pointsman::sim {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

class RequestRouter {
 public:
  explicit RequestRouter(SimConfig config);

  /// Returns the plan for `request`. An invalid request gets a 4xx plan, not an exception. Safe to
  /// call from several threads at once.
  ReplyPlan route(const HttpRequest& request);

  [[nodiscard]] const SimConfig& config() const { return config_; }

 private:
  ReplyPlan routeByTarget(const HttpRequest& request, std::uint64_t number);
  /// `azureDeployment`: the deployment named in an Azure path, which replaces the body's model.
  /// `headerFaultText`: the alternative of the `x-sim-fault` header that this request drew.
  ReplyPlan planModelRequest(const HttpRequest& request, std::string_view path,
                             std::uint64_t number, const std::string& azureDeployment,
                             std::string_view headerFaultText) const;

  SimConfig config_;
  std::string modelsBody_;
  std::atomic<std::uint64_t> nextNumber_{1};
};

}  // namespace pointsman::sim
