#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace pointsman::analyze {

/// A CSV file read whole: the header row and the data rows, as RFC 4180 strings (quoted fields
/// may hold commas, doubled quotes and newlines).
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  /// Returns the position of the column named `name`, or nothing.
  std::optional<std::size_t> column(std::string_view name) const;
  /// Returns the position of `name`; throws `std::runtime_error` listing the header when absent.
  std::size_t requireColumn(std::string_view name) const;
};

/// Reads a CSV file with a header row. Throws `std::runtime_error` on an unterminated quote or
/// a row whose field count differs from the header's, naming the row.
CsvTable readCsv(std::istream& input);

/// Writes `field` quoted when it contains a comma, quote or line break.
void writeCsvField(std::ostream& output, std::string_view field);

}  // namespace pointsman::analyze
