// labctl version [--client] [-o json|yaml]: the client's version and the server's /version.
#include <iostream>

#include "api/yaml.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/flags.h"

#ifndef LABCTL_VERSION
#define LABCTL_VERSION "0.0.0"
#endif

namespace labctl::cli {

namespace {
constexpr char kVersionUsage[] = R"(Usage: labctl version [--client] [-o json|yaml]
)";

std::string ServerVersionText(const nlohmann::json& v) {
  if (v.is_object() && v.contains("version") && v["version"].is_string()) return v["version"];
  if (v.is_object() && v.contains("gitVersion") && v["gitVersion"].is_string())
    return v["gitVersion"];
  return v.is_string() ? v.get<std::string>() : v.dump();
}
}  // namespace

int RunVersion(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags({{"client", 0, false, "only the client's version (no server asked)"},
               {"output", 'o', true, "json | yaml"}});
  const std::string usage = flags.Help(kVersionUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  std::string output = flags.Get("output");
  if (!output.empty() && output != "json" && output != "yaml")
    return UsageError("unknown output format " + output, usage);
  nlohmann::json all = {{"clientVersion", {{"version", LABCTL_VERSION}}}};
  api::Status server_error;
  if (!flags.Has("client")) {
    auto v = ctx.NewClient()->Request("GET", "/version");
    if (v.ok())
      all["serverVersion"] = *v;
    else
      server_error = v.status();
  }
  if (output == "json")
    std::cout << all.dump(2) << "\n";
  else if (output == "yaml")
    std::cout << api::ToYaml(all);
  else {
    std::cout << "Client Version: " << LABCTL_VERSION << "\n";
    if (all.contains("serverVersion"))
      std::cout << "Server Version: " << ServerVersionText(all["serverVersion"]) << "\n";
  }
  std::cout << std::flush;
  if (!server_error.ok()) {
    PrintError(server_error);
    return kExitError;
  }
  return kExitOk;
}

}  // namespace labctl::cli
