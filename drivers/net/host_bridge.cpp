#include "drivers/net/host_bridge.h"

#include <unistd.h>

#include <filesystem>

#include "drivers/net/process.h"
#include "drivers/net/rtnetlink.h"

namespace labctl::net {
namespace {

namespace fs = std::filesystem;

constexpr char kNetnsDir[] = "/run/netns";

api::Result<Rtnl> HostRtnl() { return Rtnl::Open(); }

// Docker's FORWARD policy is DROP and bridged frames pass through iptables
// (bridge-nf-call-iptables), so a bridge's ports reach each other only through an ACCEPT rule:
// in DOCKER-USER, which Docker keeps first in FORWARD, else in FORWARD itself.
std::vector<std::string> ForwardRule(const std::string& tool, const std::string& op,
                                     const std::string& bridge, const std::string& tag) {
  auto chain = RunProcess({tool, "-w", "-S", "DOCKER-USER"});
  const bool docker_user = chain.ok() && chain->exit_code == 0;
  std::vector<std::string> argv = {tool, "-w", op, docker_user ? "DOCKER-USER" : "FORWARD"};
  if (op == "-I") argv.push_back("1");
  for (const char* arg : {"-i", "@", "-o", "@", "-m", "comment", "--comment", "#", "-j", "ACCEPT"})
    argv.push_back(arg == std::string("@") ? bridge : arg == std::string("#") ? tag : arg);
  return argv;
}

// iptables must be there (labd needs it for NAT); ip6tables only where the host has it.
api::Status AllowForwarding(const std::string& bridge, const std::string& tag) {
  for (const char* tool : {"iptables", "ip6tables"}) {
    auto present = RunProcess(ForwardRule(tool, "-C", bridge, tag));
    if (!present.ok()) {
      if (std::string(tool) == "ip6tables") continue;
      return present.status();
    }
    if (present->exit_code == 0) continue;
    auto added = RunChecked(ForwardRule(tool, "-I", bridge, tag));
    if (!added.ok() && std::string(tool) == "iptables") return added.status();
  }
  return api::Status::Ok();
}

void DisallowForwarding(const std::string& bridge, const std::string& tag) {
  for (const char* tool : {"iptables", "ip6tables"})
    for (int i = 0; i < 8; ++i) {  // a rule added twice by a race is deleted twice
      auto deleted = RunProcess(ForwardRule(tool, "-D", bridge, tag));
      if (!deleted.ok() || deleted->exit_code != 0) break;
    }
}

}  // namespace

int HostPid() { return static_cast<int>(getpid()); }

api::Status EnsureHostBridge(const std::string& name, const std::string& tag) {
  auto rtnl = HostRtnl();
  if (!rtnl.ok()) return rtnl.status();
  auto ensured = rtnl->EnsureLink(name, {"bridge"}, tag);
  if (!ensured.ok()) return ensured.status();
  const LinkInfo& link = ensured->link;
  if (link.kind != "bridge")
    return api::Status::Conflict("host interface " + name + " exists and is not a bridge");
  if (!link.up) LABCTL_RETURN_IF_ERROR(rtnl->SetUp(link.index, true));
  return AllowForwarding(name, tag);
}

api::Result<bool> HostInterfaceExists(const std::string& name) {
  auto rtnl = HostRtnl();
  if (!rtnl.ok()) return rtnl.status();
  auto link = rtnl->FindLinkByName(name);
  if (!link.ok()) return link.status();
  return link->has_value();
}

api::Status AttachToHostBridge(const std::string& ifname, const std::string& bridge) {
  auto rtnl = HostRtnl();
  if (!rtnl.ok()) return rtnl.status();
  auto br = rtnl->FindLinkByName(bridge);
  if (!br.ok()) return br.status();
  auto end = rtnl->FindLinkByName(ifname);
  if (!end.ok()) return end.status();
  if (!br->has_value()) return api::Status::NotFound("no host bridge " + bridge);
  if (!end->has_value()) return api::Status::NotFound("no host interface " + ifname);
  LABCTL_RETURN_IF_ERROR(rtnl->SetMaster((*end)->index, (*br)->index));
  return rtnl->SetUp((*end)->index, true);
}

api::Result<bool> RemoveHostBridge(const std::string& name, const std::string& tag) {
  auto rtnl = HostRtnl();
  if (!rtnl.ok()) return rtnl.status();
  DisallowForwarding(name, tag);
  auto link = rtnl->FindLinkByName(name);
  if (!link.ok()) return link.status();
  if (!link->has_value() || (*link)->kind != "bridge" || (*link)->alias != tag) return false;
  api::Status st = rtnl->DeleteLink((*link)->index);
  if (st.code() == api::Code::kNotFound) return false;
  if (!st.ok()) return st;
  return true;
}

api::Status LinkNetns(const std::string& name, int pid) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    return api::Status::BadRequest("bad netns name: " + name);
  std::error_code ec;
  fs::create_directories(kNetnsDir, ec);
  if (ec)
    return api::Status::Internal(std::string("cannot create ") + kNetnsDir + ": " + ec.message());
  const fs::path link = fs::path(kNetnsDir) / name;
  const fs::path target = "/proc/" + std::to_string(pid) + "/ns/net";
  if (fs::is_symlink(link, ec)) {
    if (fs::read_symlink(link, ec) == target) return api::Status::Ok();
    fs::remove(link, ec);
  } else if (fs::exists(link, ec)) {
    return api::Status::Conflict(link.string() + " exists and is not a link labd made");
  }
  fs::create_symlink(target, link, ec);
  if (ec) return api::Status::Internal("cannot link " + link.string() + ": " + ec.message());
  return api::Status::Ok();
}

api::Result<bool> UnlinkNetns(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    return false;
  std::error_code ec;
  const fs::path link = fs::path(kNetnsDir) / name;
  if (!fs::is_symlink(link, ec)) return false;
  if (!fs::remove(link, ec) || ec)
    return api::Status::Internal("cannot remove " + link.string() + ": " + ec.message());
  return true;
}

}  // namespace labctl::net
