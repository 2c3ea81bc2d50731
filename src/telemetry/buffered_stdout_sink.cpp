#include <pointsman/telemetry/buffered_stdout_sink.hpp>

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <mutex>

namespace pointsman::telemetry {
namespace {

class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit BufferedStdoutSink(std::FILE* file) : file_(file) {}
  ~BufferedStdoutSink() override { std::fflush(file_); }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), file_);
  }
  void flush_() override { std::fflush(file_); }

 private:
  std::FILE* file_;
};

}  // namespace

spdlog::sink_ptr makeBufferedStdoutSink() {
  // A stream of its own on a duplicate of fd 1, so other writers of stdout keep their buffering.
  const int descriptor = ::dup(STDOUT_FILENO);
  std::FILE* file = descriptor >= 0 ? ::fdopen(descriptor, "w") : nullptr;
  if (file == nullptr) return std::make_shared<spdlog::sinks::stdout_sink_mt>();
  std::setvbuf(file, nullptr, _IOFBF, 64 * 1024);
  return std::make_shared<BufferedStdoutSink>(file);
}

}  // namespace pointsman::telemetry
