#include "support/prometheus_text.hpp"

#include <sstream>
#include <vector>

namespace pointsman::test {
namespace {

std::vector<std::string> splitLabels(const std::string& filter) {
  std::vector<std::string> pairs;
  std::size_t start = 0;
  while (start < filter.size()) {
    // Pairs are separated by commas outside quotes; test filters never quote a comma.
    std::size_t comma = filter.find(',', start);
    if (comma == std::string::npos) comma = filter.size();
    pairs.push_back(filter.substr(start, comma - start));
    start = comma + 1;
  }
  return pairs;
}

}  // namespace

std::optional<double> metricSum(const std::string& exposition, const std::string& name,
                                const std::string& labelFilter) {
  std::vector<std::string> wanted = splitLabels(labelFilter);
  std::optional<double> sum;
  std::istringstream lines(exposition);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line.front() == '#') continue;
    if (line.compare(0, name.size(), name) != 0) continue;
    char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != '{' && next != ' ') continue;

    std::string labels;
    std::size_t valueStart = name.size();
    if (next == '{') {
      std::size_t close = line.find("} ", name.size());
      if (close == std::string::npos) continue;
      labels = line.substr(name.size() + 1, close - name.size() - 1);
      valueStart = close + 1;
    }
    bool matches = true;
    for (const auto& pair : wanted) {
      if (labels.find(pair) == std::string::npos) matches = false;
    }
    if (!matches) continue;
    try {
      sum = sum.value_or(0) + std::stod(line.substr(valueStart));
    } catch (const std::exception&) {
      continue;
    }
  }
  return sum;
}

}  // namespace pointsman::test
