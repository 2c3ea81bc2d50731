// pointsman-eval-router: scores routers, the semantic router and answer-scorer cascades on
// recorded outcomes, without calling any model.
#include <pointsman/analyze/router_eval_run.hpp>

#include <CLI/CLI.hpp>

#include <map>

int main(int argc, char** argv) {
  using namespace pointsman::analyze;
  CLI::App app{"Score routers on recorded outcomes (cost-quality curve, APGR, CPT) and run the offline studies."};
  app.require_subcommand(1);

  EvalRouterOptions route;
  auto* route_command = app.add_subcommand("route", "Score a learned router or a scores CSV against the baselines");
  const std::map<std::string, EvalDataset> datasets{{"alpaca_eval", EvalDataset::AlpacaEval},
                                                    {"routerarena", EvalDataset::RouterArena}};
  route_command->add_option("--dataset", route.dataset, "Format of --outcomes: alpaca_eval or routerarena")
      ->required()
      ->transform(CLI::CheckedTransformer(datasets, CLI::ignore_case));
  route_command->add_option("--outcomes", route.outcomes, "Recorded outcomes file")->required()->check(CLI::ExistingFile);
  route_command->add_option("--weak", route.weak, "Weak model's column name")->required();
  route_command->add_option("--strong", route.strong, "Strong model's column name")->required();
  route_command->add_option("--model", route.model, "Learned router model file to score")->check(CLI::ExistingFile);
  route_command->add_option("--scores", route.scores, "CSV of id,score from another router")->check(CLI::ExistingFile);
  route_command->add_flag("!--all-prompts", route.held_out_only,
                          "Score every prompt, not only the held-out split (only for routers trained elsewhere)");
  route_command->add_option("--steps", route.steps, "Grid steps of the curve")->capture_default_str();
  route_command->add_option("--bootstrap", route.bootstrap_samples, "Bootstrap resamples")->capture_default_str();
  route_command->add_option("--seed", route.seed, "Seed of the random baseline and the bootstrap")->capture_default_str();
  route_command->add_flag("--time-encoder", route.time_encoder, "Also time encoding a ~4,000-token prompt");

  EvalSemanticOptions semantic;
  auto* semantic_command = app.add_subcommand("semantic", "Score the semantic router on CLINC150 domains");
  semantic_command->add_option("--data", semantic.data_dir, "Folder with data_full.json and domains.json")
      ->required()
      ->check(CLI::ExistingDirectory);

  EvalCascadeOptions cascade;
  auto* cascade_command = app.add_subcommand("cascade", "Train the answer scorer and score cascades on RouterArena");
  cascade_command->add_option("--outcomes", cascade.outcomes, "sub10_outcomes.csv")->required()->check(CLI::ExistingFile);
  cascade_command->add_option("--answers", cascade.answers, "sub10_answers.jsonl")->required()->check(CLI::ExistingFile);
  cascade_command->add_option("--model-output", cascade.model_output, "Where to write the answer scorer model");

  CLI11_PARSE(app, argc, argv);
  if (*route_command) return runEvalRouter(route);
  if (*semantic_command) return runEvalSemantic(semantic);
  return runEvalCascade(cascade);
}
