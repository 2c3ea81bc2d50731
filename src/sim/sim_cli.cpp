#include "sim/sim_cli.hpp"

#include "sim/simulator.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <stdexcept>

namespace pointsman::sim {
namespace {

struct CliOptions {
  std::string listen = "127.0.0.1:8081";
  std::string configPath;
  std::string logLevel = "info";
};

struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};

/// Splits `host:port`. An IPv6 host is written in brackets, as in `[::1]:8081`.
ListenAddress parseListenAddress(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw std::runtime_error("invalid --listen '" + text + "': expected HOST:PORT");
  }
  ListenAddress address;
  address.host = text.substr(0, colon);
  if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']') {
    address.host = address.host.substr(1, address.host.size() - 2);
  }
  boost::system::error_code error;
  boost::asio::ip::make_address(address.host, error);
  if (error) {
    throw std::runtime_error("invalid host in --listen '" + text +
                             "': expected an IP address such as 127.0.0.1");
  }

  const auto portText = std::string_view(text).substr(colon + 1);
  const auto [end, parseError] =
      std::from_chars(portText.data(), portText.data() + portText.size(), address.port);
  if (parseError != std::errc{} || end != portText.data() + portText.size()) {
    throw std::runtime_error("invalid port in --listen '" + text + "': expected 0 to 65535");
  }
  return address;
}

void addOptions(CLI::App& app, CliOptions& options, SimConfig& config) {
  app.set_version_flag("--version", std::string("pointsman-sim ") + POINTSMAN_VERSION);
  app.add_option("--listen", options.listen,
                 "Address to listen on as HOST:PORT; port 0 picks a free port")
      ->capture_default_str();
  app.add_option("--config", options.configPath, "YAML file with default and per-model profiles")
      ->check(CLI::ExistingFile);
  app.add_option("--time-scale", config.timeScale,
                 "Factor applied to every delay; 0.05 runs a 30 s scenario in 1.5 s")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  app.add_option("--threads", config.threads, "Threads that run the event loop")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--ttft-ms", config.defaults.ttftMs,
                 "Default time to first token, in milliseconds")
      ->check(CLI::Range(0, 600'000))
      ->capture_default_str();
  app.add_option("--tokens-per-second", config.defaults.tokensPerSecond,
                 "Default token rate after the first token; 0 sends tokens without delay")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  app.add_option("--answer-tokens", config.defaults.answerTokens,
                 "Default answer length in tokens when a request sets no max_tokens")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--log-level", options.logLevel, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
}

void waitForStopSignal() {
  boost::asio::io_context signalContext(1);
  boost::asio::signal_set signals(signalContext, SIGINT, SIGTERM);
  signals.async_wait([](const boost::system::error_code& error, int signalNumber) {
    if (!error) {
      spdlog::info("stopping on signal {}", signalNumber);
    }
  });
  signalContext.run();
}

}  // namespace

int runSimulatorCli(int argc, char** argv) {
  CLI::App app{"pointsman-sim: an OpenAI-compatible upstream simulator for demos, tests and "
               "benchmarks"};
  CliOptions options;
  SimConfig config;
  addOptions(app, options, config);
  CLI11_PARSE(app, argc, argv);

  // Logs go to stderr so that stdout carries only the `listening on` line that scripts read.
  spdlog::set_default_logger(spdlog::stderr_color_mt("pointsman-sim"));
  spdlog::set_level(spdlog::level::from_str(options.logLevel));

  try {
    if (!options.configPath.empty()) {
      loadSimConfigFile(options.configPath, config);
    }
    const auto address = parseListenAddress(options.listen);

    Simulator simulator(config);
    try {
      simulator.start(address.host, address.port);
    } catch (const boost::system::system_error& error) {
      throw std::runtime_error("failed to listen on " + options.listen + ": " + error.what());
    }
    const bool ipv6 = address.host.find(':') != std::string::npos;
    const auto shownHost = ipv6 ? "[" + address.host + "]" : address.host;
    std::printf("listening on %s:%u\n", shownHost.c_str(), simulator.port());
    std::fflush(stdout);
    spdlog::info("serving {} configured models on {}:{} with {} thread(s), time scale {}",
                 config.models.size(), shownHost, simulator.port(), config.threads,
                 config.timeScale);

    waitForStopSignal();
    simulator.stop();
    spdlog::info("stopped");
    return 0;
  } catch (const std::exception& error) {
    spdlog::error("pointsman-sim failed to start: {}", error.what());
    return 1;
  }
}

}  // namespace pointsman::sim
