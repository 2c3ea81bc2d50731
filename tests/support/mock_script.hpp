#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace pointsman::test {

/// What the mock upstream does with one request: a list of steps run in order. Every step that
/// writes does exactly one socket write, so a test controls where the gateway's reads can split.
class Script {
 public:
  enum class StepKind {
    Status,
    StreamHeaders,
    Chunk,
    RawWrite,
    Delay,
    WaitUntil,
    Call,
    Reset,
    Stall,
    EndChunked,
    Close,
  };

  struct Step {
    StepKind kind = StepKind::Delay;
    int code = 0;
    std::vector<std::pair<std::string, std::string>> headers{};
    std::string bytes{};
    std::chrono::milliseconds duration{0};
    std::function<bool()> condition{};
    std::function<void()> action{};
  };

  /// A complete response with `Content-Length` set from the body, in one write.
  Script& status(int code, std::vector<std::pair<std::string, std::string>> headers = {},
                 std::string body = {});
  /// Headers of a chunked `text/event-stream` response; `extraHeaders` are added as given.
  Script& streamHeaders(int code = 200,
                        std::vector<std::pair<std::string, std::string>> extraHeaders = {});
  /// One HTTP chunk carrying `bytes`, in one write.
  Script& chunk(std::string bytes);
  /// Exactly `bytes`, in one write, with no framing added.
  Script& rawWrite(std::string bytes);
  Script& delay(std::chrono::milliseconds duration);
  /// Pauses the script until `condition` is true (checked every 2 ms) or `timeout` passes.
  Script& waitUntil(std::function<bool()> condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Runs `action` on the mock's thread at this point of the script.
  Script& call(std::function<void()> action);
  /// Closes the connection with SO_LINGER 0, so the gateway gets a TCP reset.
  Script& reset();
  /// Sends nothing more until the gateway closes the connection.
  Script& stall();
  /// The terminating zero-length chunk.
  Script& endChunked();
  /// Closes the connection normally.
  Script& close();

  [[nodiscard]] const std::vector<Step>& steps() const { return steps_; }

 private:
  std::vector<Step> steps_;
};

}  // namespace pointsman::test
