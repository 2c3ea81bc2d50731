// The blocks that shape how a plan runs: `hedge:` and `fan_out:` on a route, `limits:` on a
// deployment and `health_check:` on a provider.

#include "config/sections.hpp"
#include "config/yaml_reader.hpp"

#include <array>

namespace pointsman::config {

namespace {

constexpr std::array<std::string_view, 4> kHedgeKeys = {"after_ms", "after", "min_after_ms", "max_extra_percent"};
constexpr std::array<std::string_view, 3> kFanOutKeys = {"mode", "judge", "judge_prompt"};
constexpr std::array<std::string_view, 5> kLimitKeys = {"max_concurrent", "max_queue", "queue_timeout_ms", "rpm",
                                                        "tpm"};
constexpr std::array<std::string_view, 4> kHealthCheckKeys = {"interval_ms", "timeout_ms", "path", "body"};

constexpr std::string_view kDefaultJudgePrompt =
    "You are judging answers to the same request. Read the request and the numbered answers, then reply with "
    "the number of the best answer only: the most correct, complete and helpful one.";

void readHedge(const MapReader& route, HedgeConfig& hedge) {
  const MapReader reader(route.child("hedge"), route.pathOf("hedge"), kHedgeKeys, route.context());
  if (!reader.isMap()) return;
  hedge.enabled = true;

  std::string after;
  if (reader.read("after", after)) {
    if (after != "p95") {
      reader.context().error(reader.pathOf("after"), "unsupported value \"" + after + "\"; the only value is p95");
    }
    hedge.after_p95 = true;
  }
  reader.read("after_ms", hedge.after, Bound::Positive);
  reader.read("min_after_ms", hedge.min_after, Bound::NonNegative);
  reader.read("max_extra_percent", hedge.max_extra_percent, Bound::Positive);

  if (hedge.after_p95 == reader.has("after_ms")) {
    reader.context().error(reader.path(), "set exactly one of after_ms (a fixed delay) or after: p95");
  }
  if (hedge.max_extra_percent > 100) {
    reader.context().error(reader.pathOf("max_extra_percent"), "must be at most 100");
  }
}

void readFanOut(const MapReader& route, FanOutConfig& fan_out) {
  const MapReader reader(route.child("fan_out"), route.pathOf("fan_out"), kFanOutKeys, route.context());
  if (!reader.isMap()) return;
  fan_out.enabled = true;

  std::string mode = "first_success";
  reader.read("mode", mode);
  if (mode == "first_success") {
    fan_out.mode = FanOutMode::FirstSuccess;
  } else if (mode == "all") {
    fan_out.mode = FanOutMode::All;
  } else if (mode == "judge") {
    fan_out.mode = FanOutMode::Judge;
  } else {
    reader.context().error(reader.pathOf("mode"),
                           "unsupported value \"" + mode + "\"; supported values: first_success, all, judge");
  }

  reader.read("judge", fan_out.judge);
  reader.read("judge_prompt", fan_out.judge_prompt);
  if (fan_out.mode == FanOutMode::Judge && fan_out.judge.empty()) {
    reader.context().error(reader.pathOf("judge"), "missing; mode judge needs the deployment that picks the answer");
  }
  if (fan_out.mode != FanOutMode::Judge && !fan_out.judge.empty()) {
    reader.context().error(reader.pathOf("judge"), "only applies with mode: judge");
  }
  if (fan_out.judge_prompt.empty()) fan_out.judge_prompt = std::string(kDefaultJudgePrompt);
}

}  // namespace

void readRouteExecution(const MapReader& reader, RouteConfig& route) {
  if (reader.has("hedge")) readHedge(reader, route.hedge);
  if (reader.has("fan_out")) readFanOut(reader, route.fan_out);
  if (route.hedge.enabled && route.fan_out.enabled) {
    reader.context().error(reader.pathOf("fan_out"),
                           "a route either hedges or fans out; fan_out already sends to every deployment at once");
  }
}

void readDeploymentLimits(const MapReader& deployment, DeploymentLimits& limits) {
  if (!deployment.has("limits")) return;
  const MapReader reader(deployment.child("limits"), deployment.pathOf("limits"), kLimitKeys, deployment.context());
  reader.read("max_concurrent", limits.max_concurrent, Bound::NonNegative);
  reader.read("max_queue", limits.max_queue, Bound::NonNegative);
  reader.read("queue_timeout_ms", limits.queue_timeout, Bound::NonNegative);
  reader.read("rpm", limits.rpm, Bound::NonNegative);
  reader.read("tpm", limits.tpm, Bound::NonNegative);
  if (limits.max_queue > 0 && limits.max_concurrent == 0) {
    reader.context().error(reader.pathOf("max_queue"), "only applies with max_concurrent; set it or remove max_queue");
  }
}

void readHealthCheck(const MapReader& provider, HealthCheckConfig& check) {
  if (!provider.has("health_check")) return;
  const MapReader reader(provider.child("health_check"), provider.pathOf("health_check"), kHealthCheckKeys,
                         provider.context());
  reader.read("interval_ms", check.interval, Bound::Positive);
  reader.read("timeout_ms", check.timeout, Bound::Positive);
  reader.read("path", check.path);
  reader.read("body", check.body);
  if (!check.path.empty() && check.path.front() != '/') {
    reader.context().error(reader.pathOf("path"), "must start with '/', e.g. /models");
  }
}

}  // namespace pointsman::config
