// pointsman-sim: an OpenAI-compatible upstream simulator; see docs/simulator.md.
// The executable target has no src/ include path, so the header is found beside this file.
#include "sim_cli.hpp"

int main(int argc, char** argv) { return pointsman::sim::runSimulatorCli(argc, argv); }
