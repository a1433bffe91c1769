#include "drivers/net/nat.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "drivers/net/conntrack.h"
#include "drivers/net/iptables_lines.h"
#include "drivers/net/netns.h"
#include "drivers/net/process.h"
#include "fmt/format.h"

namespace labctl::net {
namespace {

using Args = std::vector<std::string>;
constexpr char kCommentPrefix[] = "labctl:nat:";

std::string Signature(const NatConfig& c) {
  std::string s =
      fmt::format("{}{}:{}:{}", kCommentPrefix, NatTypeName(c.type), c.inside_if, c.outside_if);
  if (c.type == NatType::kFullCone && c.inside_host) s += ":" + c.inside_host->ToString();
  return s;
}

// Rules as iptables arguments after "-t nat -A".
std::vector<Args> DesiredRules(const NatConfig& c) {
  const std::string sig = Signature(c);
  Args masq = {"POSTROUTING", "-o", c.outside_if, "-m",        "comment",
               "--comment",   sig,  "-j",         "MASQUERADE"};
  if (c.type == NatType::kSymmetric) masq.push_back("--random-fully");
  std::vector<Args> rules = {masq};
  if (c.type == NatType::kFullCone) {
    for (const char* proto : {"udp", "tcp"})
      rules.push_back({"PREROUTING", "-i", c.outside_if, "-p", proto, "--dport", "1024:65535", "-m",
                       "comment", "--comment", sig, "-j", "DNAT", "--to-destination",
                       c.inside_host->ToString()});
  }
  return rules;
}

// labctl's current NAT rules, as "-A CHAIN ..." lines of `iptables -t nat -S`.
api::Result<std::vector<std::string>> CurrentRules() {
  auto r = RunChecked({"iptables", "-w", "-t", "nat", "-S"});
  if (!r.ok()) return r.status();
  std::vector<std::string> lines;
  std::istringstream in(r->out);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("-A ", 0) == 0 && line.find(kCommentPrefix) != std::string::npos)
      lines.push_back(line);
  return lines;
}

bool AllMatch(const std::vector<std::string>& lines, const std::string& sig, size_t count) {
  if (lines.size() != count) return false;
  for (const auto& l : lines) {
    Args t = RuleTokens(l);
    auto it = std::find(t.begin(), t.end(), "--comment");
    if (it == t.end() || ++it == t.end() || *it != sig) return false;
  }
  return true;
}

api::Status DeleteRules(const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    LABCTL_RETURN_IF_ERROR(RunChecked(DeleteRuleArgs("iptables", "nat", line)));
  }
  return api::Status::Ok();
}

constexpr char kIpv6Marker[] = "# labctl: ip6tables-save";

// iptables-restore only replaces the tables its input names: a table that was empty at snapshot
// time (absent from iptables-save) but got rules since must be named too, empty, to be flushed.
std::string WithEmptyTables(const std::string& saved) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kTables = {
      {"filter", {"INPUT", "FORWARD", "OUTPUT"}},
      {"nat", {"PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"}},
      {"mangle", {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"}},
      {"raw", {"PREROUTING", "OUTPUT"}}};
  std::string out;
  for (const auto& [table, chains] : kTables) {
    if (saved.find("\n*" + table + "\n") != std::string::npos ||
        saved.rfind("*" + table + "\n", 0) == 0)
      continue;
    out += "*" + table + "\n";
    for (const auto& chain : chains) out += ":" + chain + " ACCEPT [0:0]\n";
    out += "COMMIT\n";
  }
  return out + saved;
}

api::Status WriteSysctl(const std::string& path, const std::string& value) {
  // Opened from a thread inside the namespace, /proc/sys/net is that namespace's.
  std::ofstream f(path);
  if (!f) return api::Status::Internal("cannot open " + path);
  f << value;
  f.flush();
  if (!f) return api::Status::Internal("cannot write " + path);
  return api::Status::Ok();
}

api::Status ApplyInNamespace(const NatConfig& config, NatOutcome& outcome) {
  LABCTL_RETURN_IF_ERROR(WriteSysctl("/proc/sys/net/ipv4/ip_forward", "1"));
  // IPv6 may be disabled in the container; forwarding v6 is best effort.
  (void)WriteSysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1");
  const std::string sig = Signature(config);
  std::vector<Args> desired = DesiredRules(config);
  auto current = CurrentRules();
  if (!current.ok()) return current.status();
  if (AllMatch(*current, sig, desired.size())) return api::Status::Ok();
  LABCTL_RETURN_IF_ERROR(DeleteRules(*current));
  for (const auto& rule : desired) {
    Args args = {"iptables", "-w", "-t", "nat", "-A"};
    args.insert(args.end(), rule.begin(), rule.end());
    LABCTL_RETURN_IF_ERROR(RunChecked(args));
  }
  outcome.changed = true;
  return FlushConntrack();
}

}  // namespace

std::optional<NatType> ParseNatType(const std::string& text) {
  if (text == "cone") return NatType::kCone;
  if (text == "symmetric") return NatType::kSymmetric;
  if (text == "full-cone") return NatType::kFullCone;
  return std::nullopt;
}

const char* NatTypeName(NatType type) {
  switch (type) {
    case NatType::kCone:
      return "cone";
    case NatType::kSymmetric:
      return "symmetric";
    case NatType::kFullCone:
      return "full-cone";
  }
  return "?";
}

api::Result<NatOutcome> ApplyNat(int pid, const NatConfig& config) {
  if (config.inside_if.empty() || config.outside_if.empty())
    return api::Status::BadRequest("NAT needs inside and outside interfaces");
  if (config.type == NatType::kFullCone &&
      (!config.inside_host || config.inside_host->family != api::IpFamily::kV4))
    return api::Status::BadRequest("full-cone NAT needs the inside host's IPv4 address");
  auto ns = Netns::OpenPid(pid);
  if (!ns.ok()) return ns.status();
  NatOutcome outcome;
  LABCTL_RETURN_IF_ERROR(ns->Run([&] { return ApplyInNamespace(config, outcome); }));
  spdlog::info("nat applied pid={} type={} outside={} changed={}", pid, NatTypeName(config.type),
               config.outside_if, outcome.changed);
  return outcome;
}

api::Status RemoveNat(int pid) {
  auto ns = Netns::OpenPid(pid);
  if (!ns.ok()) return ns.status();
  return ns->Run([]() -> api::Status {
    auto current = CurrentRules();
    if (!current.ok()) return current.status();
    LABCTL_RETURN_IF_ERROR(DeleteRules(*current));
    return FlushConntrack();
  });
}

api::Result<std::string> SnapshotNetworkState(int pid) {
  auto ns = Netns::OpenPid(pid);
  if (!ns.ok()) return ns.status();
  std::string snapshot;
  LABCTL_RETURN_IF_ERROR(ns->Run([&]() -> api::Status {
    auto v4 = RunChecked({"iptables-save"});
    if (!v4.ok()) return v4.status();
    snapshot = v4->out;
    // IPv6 rules too when the host has ip6tables (a node may be IPv4-only: then it is empty).
    auto v6 = RunProcess({"ip6tables-save"});
    if (v6.ok() && v6->exit_code == 0) snapshot += std::string(kIpv6Marker) + "\n" + v6->out;
    return api::Status::Ok();
  }));
  return snapshot;
}

api::Status ResetNetworkState(int pid, const std::string& snapshot) {
  auto ns = Netns::OpenPid(pid);
  if (!ns.ok()) return ns.status();
  std::string v4 = snapshot, v6;
  if (auto at = snapshot.find(kIpv6Marker); at != std::string::npos) {
    v4 = snapshot.substr(0, at);
    v6 = snapshot.substr(at + std::string(kIpv6Marker).size());
  }
  return ns->Run([&]() -> api::Status {
    LABCTL_RETURN_IF_ERROR(RunChecked({"iptables-restore", "-w"}, WithEmptyTables(v4)));
    if (!v6.empty() || RunProcess({"ip6tables-save"}).ok())
      LABCTL_RETURN_IF_ERROR(RunChecked({"ip6tables-restore", "-w"}, WithEmptyTables(v6)));
    return FlushConntrack();
  });
}

}  // namespace labctl::net
