// pointsman-train-router: fits a learned router on labelled prompts and writes its model file.
#include <pointsman/analyze/learned_train_router.hpp>

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  pointsman::analyze::TrainRouterOptions options;
  CLI::App app{"Train a learned router (P(strong model needed) per prompt) and write its JSON model file."};
  auto* input = app.add_option("--input", options.input,
                               "CSV with a header and columns prompt,label (label in [0, 1], 1 = needs the strong "
                               "model) or prompt,weak_score,strong_score");
  auto* alpaca = app.add_option("--alpaca-eval", options.alpaca_eval,
                                "AlpacaEval *_win_vs_reference.csv: train on its training split, labelled by the "
                                "share of models that lose on each prompt");
  input->excludes(alpaca);
  app.add_option("--export-csv", options.export_csv, "Write the rows derived from --alpaca-eval as prompt,label CSV");
  app.add_option("--output", options.output, "Model file to write (JSON)")->required();
  app.add_option("--dimension-bits", options.train.encoder.dimension_bits, "log2 of the hash buckets")
      ->capture_default_str();
  app.add_option("--char-ngram-min", options.train.encoder.char_ngram_min, "Shortest character n-gram, 0 = none")
      ->capture_default_str();
  app.add_option("--char-ngram-max", options.train.encoder.char_ngram_max, "Longest character n-gram")
      ->capture_default_str();
  app.add_option("--epochs", options.train.logistic.epochs, "Full-batch Adam passes")->capture_default_str();
  app.add_option("--learning-rate", options.train.logistic.learning_rate, "Adam step size")->capture_default_str();
  app.add_option("--l2", options.train.logistic.l2, "L2 penalty on the weights")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return pointsman::analyze::runTrainRouter(options);
}
