#include "telemetry/prometheus_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

namespace pointsman::telemetry {

namespace {

void appendHeader(std::string& out, const std::string& name, const std::string& help,
                  std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += escapePrometheusHelp(help);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void appendLabelPair(std::string& out, std::string_view name, std::string_view value, bool& first) {
  out += first ? '{' : ',';
  first = false;
  out += name;
  out += "=\"";
  out += escapePrometheusLabelValue(value);
  out += '"';
}

// Appends `{name="value",...}`, with `le` last when given, or nothing when there are no labels.
void appendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, std::string_view le = {}) {
  bool first = true;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    appendLabelPair(out, names[i], values[i], first);
  }
  if (!le.empty()) appendLabelPair(out, "le", le, first);
  if (!first) out += '}';
}

void appendSample(std::string& out, std::string_view name, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, double value, std::string_view le = {}) {
  out += name;
  appendLabels(out, names, values, le);
  out += ' ';
  out += formatPrometheusValue(value);
  out += '\n';
}

template <class Metric>
void appendScalarFamily(std::string& out, const Family<Metric>& family, std::string_view type) {
  appendHeader(out, family.name(), family.help(), type);
  family.forEach([&](const std::vector<std::string>& values, const Metric& metric) {
    appendSample(out, family.name(), family.labelNames(), values, metric.value());
  });
}

void appendHistogramChild(std::string& out, const Family<Histogram>& family,
                          const std::vector<std::string>& values, const Histogram& histogram) {
  const Histogram::Snapshot snapshot = histogram.snapshot();
  const std::string bucketName = family.name() + "_bucket";
  const auto& names = family.labelNames();

  for (std::size_t i = 0; i < snapshot.upper_bounds.size(); ++i) {
    const std::string le = formatPrometheusValue(snapshot.upper_bounds[i]);
    appendSample(out, bucketName, names, values, static_cast<double>(snapshot.cumulative_counts[i]),
                 le);
  }
  appendSample(out, bucketName, names, values, static_cast<double>(snapshot.count), "+Inf");
  appendSample(out, family.name() + "_sum", names, values, snapshot.sum);
  appendSample(out, family.name() + "_count", names, values, static_cast<double>(snapshot.count));
}

}  // namespace

std::string formatPrometheusValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";

  // Whole numbers print in fixed notation, so a counter of a million reads "1000000" and not
  // "1e+06". Below 2^53 every whole double converts to int64 exactly.
  std::array<char, 32> text{};
  constexpr double kExactIntegerLimit = 9007199254740992.0;
  std::to_chars_result result{};
  if (value == std::trunc(value) && std::fabs(value) < kExactIntegerLimit) {
    result =
        std::to_chars(text.data(), text.data() + text.size(), static_cast<std::int64_t>(value));
  } else {
    // The shortest text that parses back to the same double, at most 24 characters long.
    result = std::to_chars(text.data(), text.data() + text.size(), value);
  }
  return std::string(text.data(), result.ptr);
}

std::string escapePrometheusHelp(std::string_view help) {
  std::string escaped;
  escaped.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string escapePrometheusLabelValue(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void appendPrometheusFamily(std::string& out, const Family<Counter>& family) {
  appendScalarFamily(out, family, "counter");
}

void appendPrometheusFamily(std::string& out, const Family<Gauge>& family) {
  appendScalarFamily(out, family, "gauge");
}

void appendPrometheusFamily(std::string& out, const Family<Histogram>& family) {
  appendHeader(out, family.name(), family.help(), "histogram");
  family.forEach([&](const std::vector<std::string>& values, const Histogram& histogram) {
    appendHistogramChild(out, family, values, histogram);
  });
}

}  // namespace pointsman::telemetry
