// The pointsman-sim command line.
#pragma once

namespace pointsman::sim {

/// Parses the command line, starts the simulator and serves until SIGINT or SIGTERM. Returns the
/// process exit code.
int runSimulatorCli(int argc, char** argv);

}  // namespace pointsman::sim
