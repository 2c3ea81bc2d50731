#pragma once

#include <spdlog/sinks/sink.h>

namespace pointsman::telemetry {

/// A sink that writes to standard output through a fully buffered stream. spdlog's own stdout
/// sink flushes after every line, one write(2) per access line; this one writes when its buffer
/// fills or the logger flushes (on warnings, and once a second through spdlog::flush_every).
/// Works whatever standard output is: a terminal, a file, a pipe or a socket.
spdlog::sink_ptr makeBufferedStdoutSink();

}  // namespace pointsman::telemetry
