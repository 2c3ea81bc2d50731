#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pointsman::tools {

/// A CSV file as rows of fields (RFC 4180: quoted fields may hold commas, quotes and newlines).
using CsvRows = std::vector<std::vector<std::string>>;

/// Reads a whole CSV file. Throws std::runtime_error when the file cannot be read or a quoted
/// field is not closed.
CsvRows readCsv(const std::filesystem::path& path);

/// The index of `name` in a header row. Throws std::runtime_error naming the missing column.
std::size_t columnIndex(const std::vector<std::string>& header, const std::string& name);

/// Reads a whole file into a string. Throws std::runtime_error when it cannot be read.
std::string readFile(const std::filesystem::path& path);

}  // namespace pointsman::tools
