#pragma once

#include <pointsman/config/loader.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace pointsman::config::testing {

/// Returns an environment that contains only `variables`, so tests never depend on the real one.
inline EnvironmentLookup fakeEnvironment(std::map<std::string, std::string> variables = {}) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    const auto found = variables.find(std::string(name));
    if (found == variables.end()) {
      return std::nullopt;
    }
    return found->second;
  };
}

inline std::vector<std::string> errorLines(const LoadResult& result) {
  std::vector<std::string> lines;
  for (const ConfigError& error : result.errors) {
    lines.push_back(error.toString());
  }
  return lines;
}

/// A directory of its own under the test temp dir, removed at the end of the test.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::path(::testing::TempDir()) /
            (std::string("pointsman_config_") + test->test_suite_name() + "_" + test->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  /// Writes `content` to a file in the directory and returns its full path.
  std::string write(const std::string& name, const std::string& content) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << content;
    return file.string();
  }

  [[nodiscard]] std::string pathOf(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// The smallest valid config: one provider, one deployment.
inline constexpr const char* kMinimalConfig = R"(
providers:
  sim: { type: openai, base_url: "http://127.0.0.1:1/v1" }
models:
  mini: { provider: sim }
)";

}  // namespace pointsman::config::testing
