// labctl doctor: checks, on this host, what Docker labs depend on and says what each result
// means for a Lab. Runs locally (the lab host); also asks labd for its version and instance when
// reachable, and lists the labctl objects on the Docker engine by the labd instance that owns
// them (read-only: labds sharing an engine touch only their own).
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "api/join.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "drivers/docker/naming.h"

namespace labctl::cli {
namespace {

struct Check {
  std::string name;
  bool ok;
  std::string detail;
  std::string meaning;
};

std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return "";
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  int rc = ::pclose(p);
  if (rc != 0) out = "!" + out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool Exists(const char* path) {
  struct stat st;
  return ::stat(path, &st) == 0;
}

// GET `path` on the Docker socket with a plain unix-socket HTTP/1.0 request (no chunking); the
// parsed JSON body, discarded on failure.
api::json DockerGet(const std::string& socket_path, const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return api::json::value_t::discarded;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path.c_str());
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string req = "GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n";
    if (::write(fd, req.data(), req.size()) > 0) {
      char buf[4096];
      ssize_t n;
      while ((n = ::read(fd, buf, sizeof buf)) > 0) reply.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  auto body = reply.find("\r\n\r\n");
  if (body == std::string::npos) return api::json::value_t::discarded;
  return api::json::parse(reply.substr(body + 4), nullptr, false);
}

std::string DockerVersion(const std::string& socket_path) {
  auto j = DockerGet(socket_path, "/version");
  if (!j.is_object()) return "";
  return j.value("Version", "?") + " (API " + j.value("ApiVersion", "?") + ")";
}

// labctl's objects on the engine by owning instance: instance -> "containers"/"networks" ->
// names, and "labs" -> lab names. "" holds objects made before instances existed.
std::map<std::string, std::map<std::string, std::set<std::string>>> ObjectsByInstance(
    const std::string& socket_path) {
  // filters={"label":["dev.labctl.managed=true"]}, URL-encoded.
  const std::string filter =
      std::string("filters=%7B%22label%22%3A%5B%22") + docker::kLabelManaged + "%3Dtrue%22%5D%7D";
  std::map<std::string, std::map<std::string, std::set<std::string>>> owners;
  for (const auto& [kind, path] : {std::pair{"containers", "/containers/json?all=1&" + filter},
                                   std::pair{"networks", "/networks?" + filter}}) {
    auto list = DockerGet(socket_path, path);
    if (!list.is_array()) continue;
    for (const auto& o : list) {
      const api::json labels = o.value("Labels", api::json::object());
      if (!labels.is_object()) continue;
      auto& owner = owners[labels.value(docker::kLabelInstance, "")];
      const api::json names = o.value("Names", api::json::array());  // containers: ["/name"]
      std::string name = names.is_array() && !names.empty() && names[0].is_string()
                             ? names[0].get<std::string>()
                             : o.value("Name", "");
      owner[kind].insert(name.empty() || name[0] != '/' ? name : name.substr(1));
      owner["labs"].insert(labels.value(docker::kLabelLab, ""));
    }
  }
  return owners;
}

// Read-only: what each labd instance has on the engine. Objects of other instances are never
// touched by this labd; those without an instance are adopted by the labd whose store holds
// their Lab (same uid) and left alone by every other.
void PrintObjectOwners(const std::string& socket_path, const std::string& this_instance) {
  auto owners = ObjectsByInstance(socket_path);
  std::cout << "\nlabctl objects on the Docker engine, by labd instance (label "
            << docker::kLabelInstance << "):\n";
  if (owners.empty()) std::cout << "  none\n";
  for (auto& [instance, objects] : owners) {
    std::string who = instance.empty()            ? "(none: made before instances; adopted by "
                                                    "the labd whose store holds the lab)"
                      : instance == this_instance ? instance + " (this labd)"
                                                  : instance + " (another labd)";
    std::cout << "  " << who << ": " << objects["containers"].size() << " containers, "
              << objects["networks"].size()
              << " networks; labs: " << api::Join(objects["labs"], " ") << "\n";
    if (instance != this_instance)
      for (const char* kind : {"containers", "networks"})
        if (!objects[kind].empty())
          std::cout << "    " << kind << ": " << api::Join(objects[kind], " ") << "\n";
  }
}

bool HasCapability(int cap) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("CapEff:", 0) == 0) {
      unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
      return (mask >> cap) & 1ULL;
    }
  return false;
}

std::string DockerSocket() {
  std::string host = getenv("DOCKER_HOST") ? getenv("DOCKER_HOST") : "unix:///var/run/docker.sock";
  return host.rfind("unix://", 0) == 0 ? host.substr(7) : host;
}

// The first line of `tool version` that names the version, trimmed ("" when the tool is not on
// PATH or fails).
std::string ToolVersion(const std::string& tool) {
  std::string out = Shell(tool + " version");
  if (out.empty() || out[0] == '!') return "";
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("version") == std::string::npos) continue;
    line.erase(0, line.find_first_not_of(' '));
    return line;
  }
  return out.substr(0, out.find('\n'));
}

// netlab (provider netlab runs it) and containerlab (never needed: labd realises its topologies
// itself; reported because netlab's own `netlab up` would use it).
void AddLabToolChecks(std::vector<Check>& checks) {
  const std::string netlab = ToolVersion("netlab");
  checks.push_back({"netlab", !netlab.empty(), netlab.empty() ? "not on PATH" : netlab,
                    netlab.empty() ? "Labs of provider netlab report ProviderUnavailable (labd "
                                     "--netlab PATH names another program)"
                                   : "labd runs it for Labs of provider netlab (docs/netlab.md)"});
  const std::string clab = ToolVersion("containerlab");
  checks.push_back({"containerlab", true, clab.empty() ? "not installed" : clab,
                    "not needed: labd realises containerlab topologies on Docker itself"});
}

std::vector<Check> RunChecks(const CliContext& ctx, std::string* labd_instance) {
  std::vector<Check> checks;
  const std::string socket_path = DockerSocket();
  std::string version = DockerVersion(socket_path);
  checks.push_back(
      {"docker engine", !version.empty(),
       version.empty() ? "no answer on " + socket_path : version + " at " + socket_path,
       "labd creates lab networks and containers through it; labs need it running"});
  auto client = ctx.NewClient();
  auto labd = client->Request("GET", "/version");
  if (labd.ok() && labd->is_object()) *labd_instance = labd->value("instance", "");
  checks.push_back({"labd", labd.ok(), labd.ok() ? labd->dump() : labd.status().message(),
                    "labctl commands other than doctor talk to labd at " + ctx.options.server});
  bool brnf = Exists("/proc/sys/net/bridge");
  checks.push_back({"br_netfilter", true, brnf ? "loaded" : "not loaded",
                    brnf ? "bridged lab traffic passes the host's iptables: labs use plain bridges "
                           "(never --internal) so routed labs still work"
                         : "bridged frames bypass host iptables; fine for labs"});
  std::string ipt = Shell("iptables -V");
  bool ipt_ok = !ipt.empty() && ipt[0] != '!';
  checks.push_back({"iptables", ipt_ok, ipt_ok ? ipt : "iptables not found",
                    "NAT gateways are applied from the host inside the node's namespace with it"});
  std::string netem = Shell("unshare -n tc qdisc add dev lo root netem delay 1ms");
  bool has_netem = !netem.empty() ? netem[0] != '!' : true;
  checks.push_back({"netem qdisc", has_netem, has_netem ? "available" : "unavailable: " + netem,
                    has_netem ? "link impairments (delay, jitter, loss, rate) use netem"
                              : "impairments fall back to the NFQUEUE path (rate via tbf)"});
  bool net_admin = HasCapability(12), sys_admin = HasCapability(21),
       sys_resource = HasCapability(24);
  checks.push_back({"capabilities", net_admin && sys_admin,
                    std::string("NET_ADMIN=") + (net_admin ? "yes" : "no") +
                        " SYS_ADMIN=" + (sys_admin ? "yes" : "no") +
                        " SYS_RESOURCE=" + (sys_resource ? "yes" : "no"),
                    sys_resource ? "nodes may use privileged: true"
                                 : "privileged: true and capAdd: [ALL] fail here: list named "
                                   "capabilities (NET_ADMIN, ...)"});
  AddLabToolChecks(checks);
  checks.push_back({"/dev/kvm", Exists("/dev/kvm"), Exists("/dev/kvm") ? "present" : "absent",
                    "VM-based nodes (netlab/vrnetlab images) need it; containers do not"});
  checks.push_back({"/dev/net/tun", Exists("/dev/net/tun"),
                    Exists("/dev/net/tun") ? "present" : "absent",
                    "VPN clients inside nodes need it (bind it into the node)"});
  return checks;
}

}  // namespace

int RunDoctor(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags(std::vector<FlagSpec>{});
  if (auto st = flags.Parse(args); !st.ok() || !flags.positional().empty()) {
    std::cerr << "Usage: labctl doctor\n";
    return kExitUsage;
  }
  std::string labd_instance;
  auto checks = RunChecks(ctx, &labd_instance);
  for (const auto& c : checks)
    std::cout << (c.ok ? "[ok]   " : "[warn] ") << c.name << ": " << c.detail << "\n"
              << "       " << c.meaning << "\n";
  if (checks.front().ok) PrintObjectOwners(DockerSocket(), labd_instance);
  return checks.front().ok ? kExitOk : kExitError;
}

}  // namespace labctl::cli
