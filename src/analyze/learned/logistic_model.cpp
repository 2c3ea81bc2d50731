#include <pointsman/analyze/learned_logistic_model.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <stdexcept>

namespace pointsman::analyze {

double sigmoid(double x) {
  if (x >= 0) return 1 / (1 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1 + e);
}

LogisticModel LogisticModel::train(std::span<const SparseVector> rows, std::span<const double> labels,
                                   std::size_t dimension, const LogisticTrainOptions& options) {
  if (rows.size() != labels.size()) throw std::invalid_argument("rows and labels differ in length");
  if (rows.empty()) throw std::invalid_argument("no training rows");

  std::vector<double> weights(dimension, 0);
  std::vector<double> gradient(dimension, 0);
  std::vector<double> first_moment(dimension + 1, 0);
  std::vector<double> second_moment(dimension + 1, 0);
  double bias = 0;
  constexpr double kBeta1 = 0.9;
  constexpr double kBeta2 = 0.999;
  constexpr double kEpsilon = 1e-8;
  const double rows_count = static_cast<double>(rows.size());

  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    std::fill(gradient.begin(), gradient.end(), 0);
    double bias_gradient = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const auto& row = rows[r];
      double margin = bias;
      for (std::size_t i = 0; i < row.size(); ++i) margin += weights[row.indices[i]] * row.values[i];
      const double error = sigmoid(margin) - labels[r];
      for (std::size_t i = 0; i < row.size(); ++i) gradient[row.indices[i]] += error * row.values[i];
      bias_gradient += error;
    }

    const double correction1 = 1 - std::pow(kBeta1, epoch);
    const double correction2 = 1 - std::pow(kBeta2, epoch);
    auto step = [&](std::size_t slot, double grad, double& parameter) {
      first_moment[slot] = kBeta1 * first_moment[slot] + (1 - kBeta1) * grad;
      second_moment[slot] = kBeta2 * second_moment[slot] + (1 - kBeta2) * grad * grad;
      const double update = (first_moment[slot] / correction1) / (std::sqrt(second_moment[slot] / correction2) + kEpsilon);
      parameter -= options.learning_rate * update;
    };
    for (std::size_t j = 0; j < dimension; ++j) {
      // A weight that no row touches has zero gradient and stays exactly zero, which keeps the
      // model file sparse.
      if (gradient[j] == 0 && weights[j] == 0) continue;
      step(j, gradient[j] / rows_count + options.l2 * weights[j], weights[j]);
    }
    step(dimension, bias_gradient / rows_count, bias);
  }
  return LogisticModel(std::vector<float>(weights.begin(), weights.end()), bias);
}

double LogisticModel::predict(const SparseVector& row) const { return sigmoid(dot(row, weights_) + bias_); }

nlohmann::json LogisticModel::toJson() const {
  nlohmann::json indices = nlohmann::json::array();
  nlohmann::json values = nlohmann::json::array();
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    if (weights_[i] == 0) continue;
    indices.push_back(i);
    values.push_back(weights_[i]);
  }
  return {{"dimension", weights_.size()},
          {"bias", bias_},
          {"weights", {{"index", std::move(indices)}, {"value", std::move(values)}}}};
}

LogisticModel LogisticModel::fromJson(const nlohmann::json& json) {
  const auto dimension = json.at("dimension").get<std::size_t>();
  std::vector<float> weights(dimension, 0);
  const auto& indices = json.at("weights").at("index");
  const auto& values = json.at("weights").at("value");
  if (indices.size() != values.size()) throw std::runtime_error("model.weights: index and value lengths differ");
  for (std::size_t i = 0; i < indices.size(); ++i) {
    const auto index = indices[i].get<std::size_t>();
    if (index >= dimension) {
      throw std::runtime_error("model.weights.index[" + std::to_string(i) + "]: " + std::to_string(index) +
                               " is outside the dimension " + std::to_string(dimension));
    }
    weights[index] = values[i].get<float>();
  }
  return LogisticModel(std::move(weights), json.at("bias").get<double>());
}

}  // namespace pointsman::analyze
