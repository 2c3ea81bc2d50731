// pointsman: the command line of the gateway.

#include <pointsman/app/gateway.hpp>

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App cli{"Pointsman: an LLM routing gateway with an OpenAI-compatible API"};
  cli.set_version_flag("--version", std::string("pointsman ") + POINTSMAN_VERSION);
  cli.require_subcommand(1);

  pointsman::app::ServeOptions serve_options;
  auto* serve = cli.add_subcommand("serve", "Run the gateway until SIGTERM; SIGHUP reloads the config");
  serve->add_option("--config,-c", serve_options.config_path, "YAML config file")->required()->check(CLI::ExistingFile);
  serve->add_option("--listen", serve_options.listen, "Public API address HOST:PORT (overrides server.listen)");
  serve->add_option("--admin-listen", serve_options.admin_listen,
                    "Admin address HOST:PORT (overrides server.admin_listen)");
  serve->add_option("--ready-file", serve_options.ready_file,
                    "Write the bound addresses as JSON to this file once listening");

  std::string check_path;
  auto* check = cli.add_subcommand("check-config", "Validate a config file, print every problem, exit 1 if any");
  check->add_option("file", check_path, "YAML config file")->required();

  CLI11_PARSE(cli, argc, argv);

  if (*check) return pointsman::app::checkConfig(check_path);
  return pointsman::app::runGateway(serve_options);
}
