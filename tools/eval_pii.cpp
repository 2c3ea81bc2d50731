// The `pii` command of pointsman-eval-analyzers: precision, recall and F1 per PII kind on the
// odd-numbered records of presidio-research's synthetic data set. The even-numbered records built
// the name gazetteer (tools/build_person_names.py), so no scored name was seen while building it.
#include "csv_reader.hpp"

#include <pointsman/analyze/pii_detector.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pointsman::tools {
namespace {

using analyze::PiiKind;
using analyze::PiiMatch;

std::optional<PiiKind> kindOfEntity(const std::string& entity) {
  static const std::map<std::string, PiiKind> kEntities = {
      {"PERSON", PiiKind::PersonName},   {"EMAIL_ADDRESS", PiiKind::Email}, {"PHONE_NUMBER", PiiKind::Phone},
      {"CREDIT_CARD", PiiKind::PaymentCard}, {"IBAN_CODE", PiiKind::Iban}, {"US_SSN", PiiKind::UsSsn},
      {"IP_ADDRESS", PiiKind::IpAddress},
  };
  const auto found = kEntities.find(entity);
  if (found == kEntities.end()) return std::nullopt;
  return found->second;
}

// Byte offsets of each code point: the data set counts positions in code points, the detector in
// UTF-8 bytes.
std::vector<std::size_t> codePointOffsets(const std::string& text) {
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) offsets.push_back(i);
  }
  offsets.push_back(text.size());
  return offsets;
}

bool overlaps(const PiiMatch& a, const PiiMatch& b) { return a.kind == b.kind && a.begin < b.end && b.begin < a.end; }

struct KindCounts {
  int predicted = 0;
  int predicted_correct = 0;
  int gold = 0;
  int gold_found = 0;
};

std::vector<PiiMatch> goldMatches(const nlohmann::json& record, const std::vector<std::size_t>& offsets) {
  std::vector<PiiMatch> gold;
  for (const auto& span : record.at("spans")) {
    const auto kind = kindOfEntity(span.at("entity_type").get<std::string>());
    if (!kind) continue;
    const auto begin = span.at("start_position").get<std::size_t>();
    const auto end = span.at("end_position").get<std::size_t>();
    gold.push_back({*kind, offsets.at(begin), offsets.at(end)});
  }
  return gold;
}

void printCounts(const std::array<KindCounts, analyze::kPiiKindCount>& counts) {
  std::printf("| kind | gold spans | found | precision | recall | F1 |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
  for (std::size_t k = 0; k < counts.size(); ++k) {
    const auto& c = counts[k];
    if (c.gold == 0 && c.predicted == 0) continue;
    const double precision = c.predicted == 0 ? 0 : static_cast<double>(c.predicted_correct) / c.predicted;
    const double recall = c.gold == 0 ? 0 : static_cast<double>(c.gold_found) / c.gold;
    const double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    std::printf("| %s | %d | %d | %.3f | %.3f | %.3f |\n",
                std::string(analyze::piiKindName(static_cast<PiiKind>(k))).c_str(), c.gold, c.predicted, precision,
                recall, f1);
  }
}

// The share of RouterArena prompts (benchmark questions, which contain no personal data except the
// names of public figures and characters) in which each kind is reported.
void printFlagRates(const analyze::PiiDetector& detector, const std::filesystem::path& routerarena) {
  const CsvRows rows = readCsv(routerarena);
  const std::size_t question = columnIndex(rows.at(0), "question");
  std::array<int, analyze::kPiiKindCount> flagged{};
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto kinds = detector.findKinds(rows[i].at(question));
    for (std::size_t k = 0; k < kinds.size(); ++k) flagged[k] += kinds.test(k) ? 1 : 0;
  }
  std::printf("\n%zu RouterArena prompts\n| kind | prompts flagged | share |\n| --- | ---: | ---: |\n", rows.size() - 1);
  for (std::size_t k = 0; k < flagged.size(); ++k) {
    std::printf("| %s | %d | %.1f %% |\n", std::string(analyze::piiKindName(static_cast<PiiKind>(k))).c_str(),
                flagged[k], 100.0 * flagged[k] / static_cast<double>(rows.size() - 1));
  }
}

}  // namespace

int evaluatePii(const std::map<std::string, std::string>& options) {
  const analyze::PiiDetector detector(analyze::NameGazetteer::load(options.at("--names")));
  const auto records = nlohmann::json::parse(readFile(options.at("--presidio")));
  const bool verbose = options.count("--verbose") > 0;

  std::array<KindCounts, analyze::kPiiKindCount> counts{};
  int scored = 0;
  for (std::size_t index = 1; index < records.size(); index += 2) {
    const auto& record = records[index];
    const std::string text = record.at("full_text").get<std::string>();
    const auto gold = goldMatches(record, codePointOffsets(text));
    const auto found = detector.findAll(text);
    ++scored;

    for (const auto& match : found) {
      auto& c = counts[static_cast<std::size_t>(match.kind)];
      ++c.predicted;
      bool correct = false;
      for (const auto& expected : gold) correct = correct || overlaps(match, expected);
      c.predicted_correct += correct ? 1 : 0;
      if (!correct && verbose) {
        std::printf("extra %s: %s\n", std::string(analyze::piiKindName(match.kind)).c_str(),
                    text.substr(match.begin, match.end - match.begin).c_str());
      }
    }
    for (const auto& expected : gold) {
      auto& c = counts[static_cast<std::size_t>(expected.kind)];
      ++c.gold;
      bool hit = false;
      for (const auto& match : found) hit = hit || overlaps(match, expected);
      c.gold_found += hit ? 1 : 0;
      if (!hit && verbose) {
        std::printf("missed %s: %s\n", std::string(analyze::piiKindName(expected.kind)).c_str(),
                    text.substr(expected.begin, expected.end - expected.begin).c_str());
      }
    }
  }
  std::printf("%d records scored (the odd-numbered ones)\n", scored);
  printCounts(counts);
  if (options.count("--routerarena") > 0) printFlagRates(detector, options.at("--routerarena"));
  return 0;
}

}  // namespace pointsman::tools
