#include "config/file_reading.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace pointsman::config {

namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

}  // namespace

FileText readFileText(const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return {std::nullopt, "it is a directory"};
  }

  const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    return {std::nullopt, std::strerror(errno)};
  }

  std::string text;
  char buffer[4096];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    text.append(buffer, count);
  }
  if (std::ferror(file.get()) != 0) {
    return {std::nullopt, std::strerror(errno)};
  }
  return {std::move(text), ""};
}

std::string checkReadableFile(const std::string& path) {
  if (path.empty()) {
    return "must not be empty";
  }
  const FileText file = readFileText(path);
  if (file.text) {
    return "";
  }
  return "cannot read \"" + path + "\": " + file.failure;
}

}  // namespace pointsman::config
