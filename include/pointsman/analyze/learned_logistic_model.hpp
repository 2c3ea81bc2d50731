#pragma once

#include <pointsman/analyze/semantic_sparse_vector.hpp>

#include <nlohmann/json_fwd.hpp>

#include <span>
#include <vector>

namespace pointsman::analyze {

/// Settings of the logistic-regression fit.
struct LogisticTrainOptions {
  /// Full passes over the training rows. Default 300.
  int epochs = 300;
  /// Adam step size. Default 0.05.
  double learning_rate = 0.05;
  /// L2 penalty on the weights (not the bias), per row. Default 1e-3.
  double l2 = 1e-3;
};

/// A logistic regression over sparse rows: P(y = 1 | x) = sigmoid(w . x + b).
class LogisticModel {
 public:
  LogisticModel() = default;
  LogisticModel(std::vector<float> weights, double bias) : weights_(std::move(weights)), bias_(bias) {}

  /// Fits the weights by full-batch Adam on the cross-entropy loss. `labels` are in [0, 1], so
  /// soft labels (a share of models that failed) work as well as 0/1. The fit is deterministic:
  /// the weights start at zero and no step is random.
  static LogisticModel train(std::span<const SparseVector> rows, std::span<const double> labels,
                             std::size_t dimension, const LogisticTrainOptions& options);

  /// Returns the probability that `row` belongs to the positive class.
  double predict(const SparseVector& row) const;

  std::span<const float> weights() const { return weights_; }
  double bias() const { return bias_; }

  /// Writes the non-zero weights as parallel index and value arrays.
  nlohmann::json toJson() const;
  /// Reads what `toJson` wrote; throws `std::runtime_error` naming the invalid field.
  static LogisticModel fromJson(const nlohmann::json& json);

 private:
  std::vector<float> weights_;
  double bias_ = 0;
};

/// Returns 1 / (1 + e^-x) without overflow for large |x|.
double sigmoid(double x);

}  // namespace pointsman::analyze
