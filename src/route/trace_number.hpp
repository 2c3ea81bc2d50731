#pragma once

#include <string>

namespace pointsman::route {

// The decision trace prints numbers in two forms. These writers give the same bytes as
// `fmt::format("{:.2f}", value)` and `fmt::format("{:g}", value)`, which cost 1,200 to 1,500
// instructions a call with fmt 9.1 (callgrind). They write the common values directly and hand
// the rest to `std::to_chars`, which rounds as printf does.

/// Appends `value` with two decimals, e.g. "0.51" or "-0.00".
void appendFixed2(std::string& out, double value);

/// `value` with two decimals, as `appendFixed2` writes it.
std::string formatFixed2(double value);

/// Appends `value` in printf's `%g` form with 6 significant digits, e.g. "4039", "0.507107" or
/// "1e+06".
void appendGeneral(std::string& out, double value);

/// `value` in printf's `%g` form, as `appendGeneral` writes it.
std::string formatGeneral(double value);

}  // namespace pointsman::route
