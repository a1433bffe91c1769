// labctl: resolves global flags (--server, --token, TLS) and dispatches to one command.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "client/server_config.h"

namespace {

using labctl::cli::CliContext;

constexpr char kUsage[] = R"(labctl: drive labd, a controller for shared network-test labs.

Usage: labctl [--server URL] [--token TOKEN] [TLS flags] COMMAND [ARGS...]

Resources:
  apply -f FILE|DIR|-          create or update objects from manifests
  get KIND [NAME]              list or show objects (-o wide|yaml|json|name|jsonpath=..., -l, -w)
  describe KIND NAME           show an object with its conditions and events
  delete KIND NAME...|-f FILE  delete objects (--wait)
  diff -f FILE                 show what apply would change
  wait KIND/NAME --for=...     wait for a condition, a jsonpath value or deletion

Sessions and labs:
  session run|acquire|heartbeat|release   hold a lab for a test run
  lab ...                      lab lifecycle commands
  exec lab/NAME NODE -- CMD    run a command in a lab node
  logs lab/NAME NODE           a node's logs
  capture lab/NAME NODE        capture packets on a node interface
  graph -f FILE                draw a lab topology
  doctor                       check the host for what labd needs

Other:
  version                      client and server versions
  completion bash|zsh          shell completion script (source <(labctl completion bash))

Global flags:
  --server URL   labd address (default: $LABCTL_SERVER, the config file, http://127.0.0.1:7450)
  --token TOKEN  bearer token (default: $LABCTL_TOKEN, the config file)
  --certificate-authority FILE  PEM CA that signed labd's certificate (https:// servers)
  --insecure-skip-tls-verify    do not verify labd's certificate (testing only)
  --client-certificate FILE     PEM client certificate, for labd --client-ca
  --client-key FILE             its PEM private key
                 (each TLS flag defaults to the config file's key of the same name)
  -h, --help     help; `labctl COMMAND --help` shows a command's flags

Exit codes: 0 ok, 1 error, 2 usage.
)";

struct GlobalFlags {
  labctl::client::GlobalFlagValues values;
  std::vector<std::string> rest;  // everything else, in order
};

// Pulls the global flags (--server, --token, the TLS flags) out of the arguments, anywhere
// before a "--" (what follows belongs to the command labctl runs); everything else stays, in
// order, for the command.
bool ExtractGlobalFlags(const std::vector<std::string>& args, GlobalFlags& g, std::string& err) {
  auto dashdash = std::find(args.begin(), args.end(), "--");
  labctl::client::GlobalFlagValues& v = g.values;
  CLI::App app;
  app.set_help_flag();  // -h/--help belongs to labctl or to the command
  app.allow_extras();
  for (auto [name, target] : {std::pair{"--server", &v.server},
                              {"--token", &v.token},
                              {"--certificate-authority", &v.certificate_authority},
                              {"--client-certificate", &v.client_certificate},
                              {"--client-key", &v.client_key}})
    app.add_option(name, *target)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_flag("--insecure-skip-tls-verify", v.insecure_skip_tls_verify);
  std::vector<std::string> reversed(std::make_reverse_iterator(dashdash), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    err = e.what();
    return false;
  }
  g.rest = app.remaining();
  g.rest.insert(g.rest.end(), dashdash, args.end());
  return true;
}

using Command = std::function<int(const CliContext&, const std::vector<std::string>&)>;

const std::map<std::string, Command>& Commands() {
  namespace c = labctl::cli;
  static const std::map<std::string, Command> commands = {
      {"apply", c::RunApply},     {"get", c::RunGet},         {"describe", c::RunDescribe},
      {"delete", c::RunDelete},   {"diff", c::RunDiff},       {"wait", c::RunWait},
      {"version", c::RunVersion}, {"session", c::RunSession}, {"lab", c::RunLab},
      {"exec", c::RunExec},       {"logs", c::RunLogs},       {"doctor", c::RunDoctor},
      {"capture", c::RunCapture}, {"graph", c::RunGraph},     {"completion", c::RunCompletion},
  };
  return commands;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  GlobalFlags g;
  std::string err;
  if (!ExtractGlobalFlags(args, g, err)) {
    std::cerr << "error: " << err << "\n";
    return labctl::cli::kExitUsage;
  }
  if (g.rest.empty()) {
    std::cerr << kUsage;
    return labctl::cli::kExitUsage;
  }
  std::string command = g.rest.front();
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << kUsage;
    return labctl::cli::kExitOk;
  }
  auto it = Commands().find(command);
  if (it == Commands().end()) {
    std::cerr << "error: unknown command \"" << command << "\"\n\n" << kUsage;
    return labctl::cli::kExitUsage;
  }
  labctl::client::TlsSettings tls;
  auto options = labctl::client::ResolveOptions(g.values, &tls);
  if (!options.ok()) {
    std::cerr << "error: " << options.status().message() << "\n";
    return labctl::cli::kExitError;
  }
  labctl::client::SetTlsSettings(std::move(tls));
  CliContext ctx;
  ctx.options = *options;
  ctx.stdout_is_tty = isatty(STDOUT_FILENO) != 0;
  ctx.stderr_is_tty = isatty(STDERR_FILENO) != 0;
  std::vector<std::string> command_args(g.rest.begin() + 1, g.rest.end());
  return it->second(ctx, command_args);
}
