#pragma once

#include <optional>
#include <string>

namespace pointsman::config {

/// The whole content of a file, or the reason it could not be read.
struct FileText {
  std::optional<std::string> text;
  /// Reason the read failed, e.g. "No such file or directory". Empty on success.
  std::string failure;
};

/// Reads a whole file. A directory counts as unreadable.
FileText readFileText(const std::string& path);

/// Returns an error message naming `path` and the reason when the file cannot be read, or ""
/// when it can. Checks at load so that a wrong path fails `check-config`, not the first request.
std::string checkReadableFile(const std::string& path);

}  // namespace pointsman::config
