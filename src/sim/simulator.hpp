// The simulator's listening socket and event loop threads.
#pragma once

#include "sim/sim_config.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace pointsman::sim {

/// An OpenAI-compatible upstream that serves the profiles of a SimConfig. Tests run it in-process:
/// `start("127.0.0.1", 0)`, then `port()`, then `stop()` (the destructor also stops it).
class Simulator {
 public:
  explicit Simulator(SimConfig config);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  /// Binds `host:port` (port 0 picks a free port), starts accepting, and runs the event loop on
  /// `config.threads` background threads. Throws boost::system::system_error when binding fails.
  void start(const std::string& host, std::uint16_t port);

  /// The bound port; valid after start().
  [[nodiscard]] std::uint16_t port() const;

  /// Stops accepting, drops open connections and joins the threads. Safe to call twice.
  void stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pointsman::sim
