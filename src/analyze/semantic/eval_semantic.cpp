#include <pointsman/analyze/router_eval_run.hpp>

#include <pointsman/analyze/semantic_router.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>

namespace pointsman::analyze {
namespace {

/// An utterance with its domain; an empty domain means out of scope.
struct LabeledUtterance {
  std::string text;
  std::string domain;
};

struct Counts {
  int in_scope = 0;
  int in_scope_correct = 0;
  int in_scope_correct_ignoring_threshold = 0;
  int out_of_scope = 0;
  int out_of_scope_rejected = 0;
  int matched = 0;
  int matched_correct = 0;
};

nlohmann::json readJson(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error(path.string() + ": cannot open the file");
  return nlohmann::json::parse(file);
}

std::vector<LabeledUtterance> labelSplit(const nlohmann::json& items, const std::map<std::string, std::string>& domains) {
  std::vector<LabeledUtterance> utterances;
  for (const auto& item : items) {
    const auto intent = item.at(1).get<std::string>();
    const auto domain = domains.find(intent);
    utterances.push_back({item.at(0).get<std::string>(), domain == domains.end() ? "" : domain->second});
  }
  return utterances;
}

/// Best route and similarity of every utterance, whatever the threshold.
std::vector<SemanticMatch> nearestAll(const SemanticRouter& router, const std::vector<LabeledUtterance>& utterances) {
  std::vector<SemanticMatch> matches;
  for (const auto& utterance : utterances) matches.push_back(router.nearest(utterance.text));
  return matches;
}

Counts countAt(const std::vector<LabeledUtterance>& utterances, const std::vector<SemanticMatch>& matches,
               double threshold) {
  Counts counts;
  for (std::size_t i = 0; i < utterances.size(); ++i) {
    const bool matched = matches[i].similarity >= threshold;
    const bool correct_route = matches[i].route == utterances[i].domain;
    if (utterances[i].domain.empty()) {
      ++counts.out_of_scope;
      counts.out_of_scope_rejected += matched ? 0 : 1;
    } else {
      ++counts.in_scope;
      counts.in_scope_correct += matched && correct_route ? 1 : 0;
      counts.in_scope_correct_ignoring_threshold += correct_route ? 1 : 0;
    }
    counts.matched += matched ? 1 : 0;
    counts.matched_correct += matched && correct_route ? 1 : 0;
  }
  return counts;
}

double overallAccuracy(const Counts& counts) {
  return static_cast<double>(counts.in_scope_correct + counts.out_of_scope_rejected) /
         static_cast<double>(counts.in_scope + counts.out_of_scope);
}

double ratio(int part, int whole) { return whole == 0 ? 0 : static_cast<double>(part) / whole; }

}  // namespace

int runEvalSemantic(const EvalSemanticOptions& options) {
  std::map<std::string, std::vector<std::string>> tuning_routes;
  std::map<std::string, std::vector<std::string>> full_routes;
  std::vector<LabeledUtterance> tuning;
  std::vector<LabeledUtterance> test;
  try {
    const auto data = readJson(options.data_dir / "data_full.json");
    std::map<std::string, std::string> intent_domain;
    const auto domains = readJson(options.data_dir / "domains.json");
    for (const auto& [domain, intents] : domains.items()) {
      for (const auto& intent : intents) intent_domain[intent.get<std::string>()] = domain;
    }
    // Every tenth training utterance of each intent tunes the scoring and threshold; the rest
    // are the tuning router's examples. val and oos_val are never looked at before the end.
    std::map<std::string, int> seen_per_intent;
    for (const auto& item : data.at("train")) {
      const auto text = item.at(0).get<std::string>();
      const auto intent = item.at(1).get<std::string>();
      const auto& domain = intent_domain.at(intent);
      full_routes[domain].push_back(text);
      if (seen_per_intent[intent]++ % 10 == 0) {
        tuning.push_back({text, domain});
      } else {
        tuning_routes[domain].push_back(text);
      }
    }
    for (auto& utterance : labelSplit(data.at("oos_train"), intent_domain)) tuning.push_back(std::move(utterance));
    test = labelSplit(data.at("val"), intent_domain);
    for (auto& utterance : labelSplit(data.at("oos_val"), intent_domain)) test.push_back(std::move(utterance));
  } catch (const std::exception& error) {
    std::cerr << "eval-router semantic: " << error.what() << '\n';
    return 1;
  }

  SemanticRouterOptions best_options;
  double best_accuracy = -1;
  for (const auto scoring : {SemanticScoring::NearestExample, SemanticScoring::Centroid, SemanticScoring::Larger}) {
    SemanticRouterOptions candidate;
    candidate.scoring = scoring;
    const SemanticRouter router(tuning_routes, candidate);
    const auto matches = nearestAll(router, tuning);
    for (int step = 0; step <= 100; ++step) {
      candidate.threshold = step / 100.0;
      const double accuracy = overallAccuracy(countAt(tuning, matches, candidate.threshold));
      if (accuracy > best_accuracy) {
        best_accuracy = accuracy;
        best_options = candidate;
      }
    }
  }
  const char* scoring_names[] = {"nearest_example", "centroid", "larger"};
  std::printf("tuning (%zu utterances incl. oos_train): scoring=%s threshold=%.2f overall accuracy %.4f\n",
              tuning.size(), scoring_names[static_cast<int>(best_options.scoring)], best_options.threshold,
              best_accuracy);

  const auto build_start = std::chrono::steady_clock::now();
  const SemanticRouter router(full_routes, best_options);
  const auto build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - build_start).count();
  const auto match_start = std::chrono::steady_clock::now();
  const auto matches = nearestAll(router, test);
  const auto match_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - match_start).count() /
      static_cast<double>(test.size());
  const auto counts = countAt(test, matches, best_options.threshold);
  std::printf("test: val %d in-scope + oos_val %d out-of-scope utterances, %zu examples in 10 domains\n",
              counts.in_scope, counts.out_of_scope, [&] {
                std::size_t examples = 0;
                for (const auto& [name, list] : full_routes) examples += list.size();
                return examples;
              }());
  std::printf("domain accuracy (in scope, matched and right): %.4f\n", ratio(counts.in_scope_correct, counts.in_scope));
  std::printf("domain accuracy ignoring the threshold: %.4f\n",
              ratio(counts.in_scope_correct_ignoring_threshold, counts.in_scope));
  std::printf("out-of-scope recall (no route matched): %.4f\n", ratio(counts.out_of_scope_rejected, counts.out_of_scope));
  std::printf("precision (right domain among all matches): %.4f\n", ratio(counts.matched_correct, counts.matched));
  std::printf("overall accuracy (in scope right, out of scope rejected): %.4f\n", overallAccuracy(counts));
  std::printf("timing: build %.0f ms, mean match %.1f us per utterance\n", build_ms, match_us);
  return 0;
}

}  // namespace pointsman::analyze
