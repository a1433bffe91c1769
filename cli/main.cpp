// labctl: resolves global flags (--server, --token, TLS) and dispatches to one command.
#include <unistd.h>

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

// The global flags that take a value, and where it goes.
std::string* ValueFlag(const std::string& name, labctl::client::GlobalFlagValues& v) {
  if (name == "--server") return &v.server;
  if (name == "--token") return &v.token;
  if (name == "--certificate-authority") return &v.certificate_authority;
  if (name == "--client-certificate") return &v.client_certificate;
  if (name == "--client-key") return &v.client_key;
  return nullptr;
}

// Pulls the global flags out of the arguments (anywhere before a "--").
bool ExtractGlobalFlags(const std::vector<std::string>& args, GlobalFlags& g, std::string& err) {
  bool after_dashdash = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") after_dashdash = true;
    const size_t eq = a.find('=');
    const std::string name = a.substr(0, eq);
    std::string* target = after_dashdash ? nullptr : ValueFlag(name, g.values);
    if (!after_dashdash && a == "--insecure-skip-tls-verify") {
      g.values.insecure_skip_tls_verify = true;
      continue;
    }
    if (!target) {
      g.rest.push_back(a);
      continue;
    }
    if (eq != std::string::npos) {
      *target = a.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      *target = args[++i];
    } else {
      err = "flag " + name + " needs a value";
      return false;
    }
  }
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
      {"capture", c::RunCapture}, {"graph", c::RunGraph},
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
