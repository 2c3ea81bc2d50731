#include <pointsman/analyze/router_eval_datasets.hpp>

#include <pointsman/analyze/learned_csv_table.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <optional>
#include <stdexcept>

namespace pointsman::analyze {
namespace {

CsvTable readCsvFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error(path.string() + ": cannot open the file");
  try {
    return readCsv(file);
  } catch (const std::exception& error) {
    throw std::runtime_error(path.string() + ": " + error.what());
  }
}

std::optional<double> parseNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

bool isHeldOut(std::string_view id) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash % 100 < 40;
}

std::vector<EvalPrompt> loadAlpacaEvalPair(const std::filesystem::path& path, std::string_view weak,
                                           std::string_view strong) {
  const auto table = readCsvFile(path);
  const auto id = table.requireColumn("id");
  const auto instruction = table.requireColumn("instruction");
  const auto weak_column = table.requireColumn(weak);
  const auto strong_column = table.requireColumn(strong);
  std::vector<EvalPrompt> prompts;
  for (const auto& row : table.rows) {
    const auto weak_value = parseNumber(row[weak_column]);
    const auto strong_value = parseNumber(row[strong_column]);
    if (!weak_value || !strong_value) continue;
    prompts.push_back({row[id], row[instruction], PairOutcome{*weak_value, *strong_value, 0, 0}});
  }
  return prompts;
}

std::vector<EvalPrompt> loadRouterArenaPair(const std::filesystem::path& path, std::string_view weak,
                                            std::string_view strong) {
  const auto table = readCsvFile(path);
  const auto id = table.requireColumn("global_index");
  const auto question = table.requireColumn("question");
  const auto column = [&](std::string_view model, std::string_view field) {
    return table.requireColumn(std::string(model) + ":" + std::string(field));
  };
  const auto weak_score = column(weak, "score");
  const auto weak_cost = column(weak, "cost_usd");
  const auto strong_score = column(strong, "score");
  const auto strong_cost = column(strong, "cost_usd");
  std::vector<EvalPrompt> prompts;
  for (const auto& row : table.rows) {
    const std::array<std::optional<double>, 4> values{parseNumber(row[weak_score]), parseNumber(row[strong_score]),
                                                      parseNumber(row[weak_cost]), parseNumber(row[strong_cost])};
    if (std::any_of(values.begin(), values.end(), [](const auto& value) { return !value; })) continue;
    const PairOutcome outcome{*values[0], *values[1], *values[2], *values[3]};
    prompts.push_back({row[id], row[question], outcome});
  }
  return prompts;
}

std::vector<LabeledPrompt> alpacaEvalPooledDifficulty(const std::filesystem::path& path) {
  const auto table = readCsvFile(path);
  const auto id = table.requireColumn("id");
  const auto dataset = table.requireColumn("dataset");
  const auto instruction = table.requireColumn("instruction");
  std::vector<LabeledPrompt> labeled;
  for (const auto& row : table.rows) {
    double wins = 0;
    int models = 0;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c == id || c == dataset || c == instruction) continue;
      if (const auto value = parseNumber(row[c])) {
        wins += *value;
        ++models;
      }
    }
    if (models == 0) continue;
    labeled.push_back({row[id], row[instruction], 1 - wins / models});
  }
  return labeled;
}

}  // namespace pointsman::analyze
