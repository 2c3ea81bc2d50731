#pragma once

#include <pointsman/analyze/features.hpp>
#include <pointsman/analyze/name_gazetteer.hpp>

#include <cstddef>
#include <string_view>
#include <vector>

namespace pointsman::analyze {

/// One piece of sensitive data found in a text, as byte offsets [begin, end).
struct PiiMatch {
  PiiKind kind = PiiKind::Email;
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// Finds sensitive data in one pass over a text, with hand-written scanners instead of regular
/// expressions. Numbers must pass their checksum or format rules (Luhn for cards, mod-97 for
/// IBANs, the SSA rules for SSNs), so a random digit run is rarely reported. Secrets are found by
/// the well-known prefixes of API keys and PEM private key headers, person names by the
/// gazetteer and capitalisation. Thread-safe: scanning reads only the gazetteer.
class PiiDetector {
 public:
  /// A detector without a gazetteer, which finds everything except person names.
  PiiDetector() = default;
  explicit PiiDetector(NameGazetteer names) : names_(std::move(names)) {}

  /// Every match in `text`, in order of position.
  std::vector<PiiMatch> findAll(std::string_view text) const;

  /// The kinds found in `text`.
  PiiKinds findKinds(std::string_view text) const;

  const NameGazetteer& names() const { return names_; }

 private:
  NameGazetteer names_;
};

}  // namespace pointsman::analyze
