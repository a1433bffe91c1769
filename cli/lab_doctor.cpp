// labctl doctor: checks, on this host, what Docker labs depend on and says what each result
// means for a Lab. Runs locally (the lab host); also asks labd for its version when reachable.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/flags.h"

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

// GET /version on the Docker socket with a plain unix-socket HTTP/1.0 request.
std::string DockerVersion(const std::string& socket_path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path.c_str());
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const char req[] = "GET /version HTTP/1.0\r\nHost: docker\r\n\r\n";
    if (::write(fd, req, sizeof req - 1) > 0) {
      char buf[4096];
      ssize_t n;
      while ((n = ::read(fd, buf, sizeof buf)) > 0) reply.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  auto body = reply.find("\r\n\r\n");
  if (body == std::string::npos) return "";
  auto j = api::json::parse(reply.substr(body + 4), nullptr, false);
  if (!j.is_object()) return "";
  return j.value("Version", "?") + " (API " + j.value("ApiVersion", "?") + ")";
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

std::vector<Check> RunChecks(const CliContext& ctx) {
  std::vector<Check> checks;
  std::string host = getenv("DOCKER_HOST") ? getenv("DOCKER_HOST") : "unix:///var/run/docker.sock";
  std::string socket_path = host.rfind("unix://", 0) == 0 ? host.substr(7) : host;
  std::string version = DockerVersion(socket_path);
  checks.push_back(
      {"docker engine", !version.empty(),
       version.empty() ? "no answer on " + socket_path : version + " at " + socket_path,
       "labd creates lab networks and containers through it; labs need it running"});
  auto client = ctx.NewClient();
  auto labd = client->Request("GET", "/version");
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
  auto checks = RunChecks(ctx);
  for (const auto& c : checks)
    std::cout << (c.ok ? "[ok]   " : "[warn] ") << c.name << ": " << c.detail << "\n"
              << "       " << c.meaning << "\n";
  return checks.front().ok ? kExitOk : kExitError;
}

}  // namespace labctl::cli
