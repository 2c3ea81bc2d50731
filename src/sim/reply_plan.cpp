#include "sim/reply_plan.hpp"

#include "sim/openai_error.hpp"

#include <cmath>

namespace pointsman::sim {

Delay scaledDelay(double milliseconds, double timeScale) {
  return Delay(std::llround(milliseconds * 1000.0 * timeScale));
}

ReplyPlan makeErrorPlan(int status, std::string_view message, std::string_view param,
                        std::string_view code) {
  ReplyPlan plan;
  plan.status = status;
  plan.body = makeErrorBody(message, errorTypeForStatus(status), param, code);
  return plan;
}

ReplyPlan makeJsonPlan(std::string body) {
  ReplyPlan plan;
  plan.body = std::move(body);
  return plan;
}

std::optional<ReplyPlan> makeFaultReply(const FaultPlan& fault) {
  if (fault.reset) {
    ReplyPlan plan;
    plan.kind = ReplyKind::kReset;
    return plan;
  }
  if (!fault.status) {
    return std::nullopt;
  }

  const int status = *fault.status;
  ReplyPlan plan;
  if (fault.body) {
    plan.status = status;
    plan.body = *fault.body;
  } else {
    plan = makeErrorPlan(status, "simulated failure with status " + std::to_string(status), {},
                         "sim_fault");
  }
  if (fault.contentType) {
    plan.contentType = *fault.contentType;
  }
  if (fault.retryAfterSeconds) {
    plan.headers.emplace_back("Retry-After", std::to_string(*fault.retryAfterSeconds));
  }
  if (fault.retryAfterMs) {
    plan.headers.emplace_back("retry-after-ms", std::to_string(*fault.retryAfterMs));
  }
  return plan;
}

}  // namespace pointsman::sim
