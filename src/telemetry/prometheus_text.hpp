#pragma once

// Prometheus text exposition format 0.0.4, used by Registry::renderPrometheusText.

#include <string>
#include <string_view>

#include "pointsman/telemetry/metrics.hpp"

namespace pointsman::telemetry {

/// Formats a sample value: whole numbers below 2^53 in fixed notation, other values as the shortest
/// text that parses back to the same double, and the special values as "+Inf", "-Inf" and "NaN".
std::string formatPrometheusValue(double value);

/// Escapes a HELP text: backslash and line feed.
std::string escapePrometheusHelp(std::string_view help);

/// Escapes a label value: backslash, double quote and line feed.
std::string escapePrometheusLabelValue(std::string_view value);

/// Appends the HELP and TYPE lines of a family, then the samples of each child. A counter or gauge
/// child has one line. A histogram child has one `_bucket` line per bound and +Inf, then `_sum`
/// and `_count`.
void appendPrometheusFamily(std::string& out, const Family<Counter>& family);
void appendPrometheusFamily(std::string& out, const Family<Gauge>& family);
void appendPrometheusFamily(std::string& out, const Family<Histogram>& family);

}  // namespace pointsman::telemetry
