#include "support/mock_script.hpp"

namespace pointsman::test {

Script& Script::status(int code, std::vector<std::pair<std::string, std::string>> headers,
                       std::string body) {
  steps_.push_back(Step{.kind = StepKind::Status,
                        .code = code,
                        .headers = std::move(headers),
                        .bytes = std::move(body)});
  return *this;
}

Script& Script::streamHeaders(int code,
                              std::vector<std::pair<std::string, std::string>> extraHeaders) {
  steps_.push_back(
      Step{.kind = StepKind::StreamHeaders, .code = code, .headers = std::move(extraHeaders)});
  return *this;
}

Script& Script::chunk(std::string bytes) {
  steps_.push_back(Step{.kind = StepKind::Chunk, .bytes = std::move(bytes)});
  return *this;
}

Script& Script::rawWrite(std::string bytes) {
  steps_.push_back(Step{.kind = StepKind::RawWrite, .bytes = std::move(bytes)});
  return *this;
}

Script& Script::delay(std::chrono::milliseconds duration) {
  steps_.push_back(Step{.kind = StepKind::Delay, .duration = duration});
  return *this;
}

Script& Script::waitUntil(std::function<bool()> condition, std::chrono::milliseconds timeout) {
  steps_.push_back(
      Step{.kind = StepKind::WaitUntil, .duration = timeout, .condition = std::move(condition)});
  return *this;
}

Script& Script::call(std::function<void()> action) {
  steps_.push_back(Step{.kind = StepKind::Call, .action = std::move(action)});
  return *this;
}

Script& Script::reset() {
  steps_.push_back(Step{.kind = StepKind::Reset});
  return *this;
}

Script& Script::stall() {
  steps_.push_back(Step{.kind = StepKind::Stall});
  return *this;
}

Script& Script::endChunked() {
  steps_.push_back(Step{.kind = StepKind::EndChunked});
  return *this;
}

Script& Script::close() {
  steps_.push_back(Step{.kind = StepKind::Close});
  return *this;
}

}  // namespace pointsman::test
