#pragma once

#include <string>

namespace pointsman::app {

/// Sends spdlog's default logger to stdout with UTC timestamps, at the given level name.
void configureLogging(const std::string& level);

/// Changes the level of the running logger (on reload).
void setLogLevel(const std::string& level);

}  // namespace pointsman::app
