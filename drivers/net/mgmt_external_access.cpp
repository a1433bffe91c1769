#include "drivers/net/mgmt_external_access.h"

#include <sstream>
#include <vector>

#include "drivers/net/iptables_lines.h"
#include "drivers/net/process.h"

namespace labctl::net {
namespace {

constexpr char kChain[] = "DOCKER-USER";

// The lines of DOCKER-USER (`tool -S DOCKER-USER`); nullopt when the chain is not there (or
// this family's tool is missing or cannot read it).
std::optional<std::vector<std::string>> ChainRules(const std::string& tool) {
  auto listed = RunProcess({tool, "-w", "-S", kChain});
  if (!listed.ok() || listed->exit_code != 0) return std::nullopt;
  std::vector<std::string> lines;
  std::istringstream in(listed->out);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("-A ", 0) == 0) lines.push_back(line);
  return lines;
}

// Whether `line` is the rule of `bridge` in direction `flag` ("-i" or "-o").
bool IsRule(const std::string& line, const std::string& flag, const std::string& bridge) {
  const auto t = RuleTokens(line);
  bool iface = false, comment = false, accept = false;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    iface |= t[i] == flag && t[i + 1] == bridge;
    comment |= t[i] == "--comment" && t[i + 1] == kExternalAccessComment;
    accept |= t[i] == "-j" && t[i + 1] == "ACCEPT";
  }
  return iface && comment && accept;
}

std::vector<std::string> InsertArgs(const std::string& tool, const std::string& flag,
                                    const std::string& bridge) {
  return {tool,   "-w",    "-I",      kChain,      flag,
          bridge, "-m",    "comment", "--comment", kExternalAccessComment,
          "-j",   "ACCEPT"};
}

// One rule per direction: missing ones inserted, duplicates deleted.
api::Status EnsureInFamily(const std::string& tool, const std::vector<std::string>& lines,
                           const std::string& bridge) {
  for (const std::string flag : {"-o", "-i"}) {
    int found = 0;
    for (const auto& line : lines) {
      if (!IsRule(line, flag, bridge) || ++found == 1) continue;
      auto deleted = RunChecked(DeleteRuleArgs(tool, "filter", line));
      if (!deleted.ok()) return deleted.status();
    }
    if (found > 0) continue;
    auto added = RunChecked(InsertArgs(tool, flag, bridge));
    if (!added.ok()) return added.status();
  }
  return api::Status::Ok();
}

}  // namespace

api::Result<bool> EnsureExternalAccess(const std::string& bridge) {
  auto v4 = ChainRules("iptables");
  if (!v4) return false;
  LABCTL_RETURN_IF_ERROR(EnsureInFamily("iptables", *v4, bridge));
  // ip6tables only where it has the chain (an nft-backed host may refuse to list it).
  if (auto v6 = ChainRules("ip6tables"))
    LABCTL_RETURN_IF_ERROR(EnsureInFamily("ip6tables", *v6, bridge));
  return true;
}

api::Status RemoveExternalAccess(const std::string& bridge) {
  for (const char* tool : {"iptables", "ip6tables"}) {
    auto lines = ChainRules(tool);
    if (!lines) continue;
    for (const auto& line : *lines) {
      if (!IsRule(line, "-i", bridge) && !IsRule(line, "-o", bridge)) continue;
      auto deleted = RunProcess(DeleteRuleArgs(tool, "filter", line));
      if (!deleted.ok()) return deleted.status();
    }
  }
  return api::Status::Ok();
}

}  // namespace labctl::net
