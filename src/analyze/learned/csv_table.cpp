#include <pointsman/analyze/learned_csv_table.hpp>

#include <iterator>
#include <stdexcept>

namespace pointsman::analyze {
namespace {

/// Splits `text` into records of fields. A record ends at a newline outside quotes; a CR before
/// it is dropped.
std::vector<std::vector<std::string>> parseRecords(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c != '"') {
        field.push_back(c);
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else {
        quoted = false;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      field_started = true;
    } else if (c == '\n') {
      if (!field.empty() && field.back() == '\r') field.pop_back();
      if (field_started || !field.empty() || !record.empty()) {
        record.push_back(std::move(field));
        records.push_back(std::move(record));
      }
      field.clear();
      record.clear();
      field_started = false;
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (quoted) throw std::runtime_error("CSV: a quoted field is not terminated (record " +
                                       std::to_string(records.size() + 1) + ")");
  if (field_started || !field.empty() || !record.empty()) {
    if (!field.empty() && field.back() == '\r') field.pop_back();
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  return std::nullopt;
}

std::size_t CsvTable::requireColumn(std::string_view name) const {
  if (const auto found = column(name)) return *found;
  std::string names;
  for (const auto& column_name : header) names += (names.empty() ? "" : ", ") + column_name;
  throw std::runtime_error("CSV: column \"" + std::string(name) + "\" not found; the header has: " + names);
}

CsvTable readCsv(std::istream& input) {
  const std::string text{std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>()};
  auto records = parseRecords(text);
  if (records.empty()) throw std::runtime_error("CSV: the file is empty; a header row is required");
  CsvTable table;
  table.header = std::move(records.front());
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != table.header.size()) {
      throw std::runtime_error("CSV: record " + std::to_string(r + 1) + " has " + std::to_string(records[r].size()) +
                               " fields, the header has " + std::to_string(table.header.size()));
    }
    table.rows.push_back(std::move(records[r]));
  }
  return table;
}

void writeCsvField(std::ostream& output, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    output << field;
    return;
  }
  output << '"';
  for (const char c : field) {
    if (c == '"') output << '"';
    output << c;
  }
  output << '"';
}

}  // namespace pointsman::analyze
