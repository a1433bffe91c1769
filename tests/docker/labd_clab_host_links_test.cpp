// containerlab's host and mgmt-net links on the real labd and dockerd: a veth whose other end is
// in the host namespace, named as written (mgmt-net: a port of the management network's
// bridge). Both notations; addresses on both ends ping (the host's end is this test's own
// interface, the other end a node of this test); a host end removed out of band and a killed
// node are wired again; a labd restart adopts the lab; an interface of the host end's name that
// labd did not create fails the node naming the field and is left alone; teardown leaves no host
// end. mgmt.external-access: containerlab's DOCKER-USER rules for the management bridge exist
// once each (also after a crash left a duplicate) and go with the lab; `false` writes none. An
// ext-container (made by the test, named as the node) is waited for, wired to a node (endpoint
// mac, ping), re-wired after it restarts (its start event, not the periodic resync) and after
// the node restarts, and left running without labd's ends at teardown. Host interface names carry
// this checkout's tag and this run's pid (tests of other checkouts run at the same time).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "docker/labd_docker.h"

namespace labctl {
namespace {

using api::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kTag = testing::CheckoutTag();
const std::string kPrefix = "dkclh" + kTag;
const std::string kLab = kPrefix + "-hl";
const std::string kOctet = std::to_string(std::stoi(kTag, nullptr, 16) % 200 + 20);
// Host interface names: lh<tag><run><role>, at most 11 characters.
const std::string kHostIfPrefix = "lh" + kTag;
const std::string kRun = std::to_string(getpid() % 10000);
std::string HostIf(const std::string& role) { return kHostIfPrefix + kRun + role; }

std::string Container(const std::string& node) { return "clab-" + kLab + "-" + node; }
// The ext-container the test makes: a node of that name is its kind ext-container.
const std::string kExt = kPrefix + "-outside";

// a: host link (brief form) and mgmt-net link (brief form); b: host link and mgmt-net link
// (extended forms); a link from b to a node of kind host (the host's namespace). b answers ARP only
// on the interface that holds the address, so a's ping to b's mgmt-net address crosses the mgmt-net
// link, not b's eth0.
std::string Topology() {
  const std::string net = "10.232." + kOctet + ".";
  const std::string mg = "10.233." + kOctet + ".";
  return "name: " + kLab + "\nmgmt:\n  network: " + kLab + "-mgmt\n  ipv4-subnet: 172.28." +
         kOctet + R"(.0/24
topology:
  defaults:
    kind: linux
    image: labbox:latest
    cap-add: [NET_ADMIN]
  nodes:
    a:
      exec:
        - ip addr add )" +
         net + R"(1/30 dev eth1
        - ip addr add )" +
         mg + R"(1/24 dev eth0
    b:
      sysctls: {net.ipv4.conf.all.arp_ignore: 1}
      exec:
        - ip addr add )" +
         net + R"(5/30 dev eth2
        - ip addr add )" +
         mg + R"(2/24 dev mg0
        - ip addr add )" +
         net + R"(9/30 dev eth3
    thehost: {kind: host}
  links:
    - endpoints: ["a:eth1", "host:)" +
         HostIf("a") + R"("]
    - endpoints: ["mgmt-net:)" +
         HostIf("n") + R"(", "a:eth2"]
    - type: host
      endpoint: {node: b, interface: eth2}
      host-interface: )" +
         HostIf("b") + R"(
    - endpoints: ["b:eth3", "thehost:)" +
         HostIf("k") + R"("]
    - type: mgmt-net
      mtu: 1500
      endpoint: {node: b, interface: mg0}
      host-interface: )" +
         HostIf("m") + "\n";
}

// containerlab's mgmt.external-access rules of `bridge` in DOCKER-USER, as iptables -S lists them.
int ExternalAccessRules(const std::string& bridge, const std::string& flag) {
  auto listed = testing::RunProgram({"iptables", "-w", "-S", "DOCKER-USER"});
  std::istringstream lines(listed.out);
  int found = 0;
  for (std::string line; std::getline(lines, line);)
    found += line.find(flag + " " + bridge + " ") != std::string::npos &&
             line.find("\"set by containerlab\" -j ACCEPT") != std::string::npos;
  return found;
}

void RemoveExternalAccessRules(const std::string& bridge) {
  for (const std::string flag : {"-i", "-o"})
    while (ExternalAccessRules(bridge, flag) > 0)
      testing::RunProgram({"iptables", "-w", "-D", "DOCKER-USER", flag, bridge, "-m", "comment",
                           "--comment", "set by containerlab", "-j", "ACCEPT"});
}

// The Linux bridge Docker made for the lab's management network ("" when there is none).
std::string MgmtBridge() {
  auto id = testing::RunProgram({"docker", "network", "inspect", "-f", "{{.Id}}", kLab + "-mgmt"});
  return id.exit_code == 0 ? "br-" + id.out.substr(0, 12) : "";
}

testing::CommandResult HostLink(const std::string& name) {
  return testing::RunProgram({"ip", "-o", "-d", "link", "show", "dev", name});
}
bool HostLinkExists(const std::string& name) { return HostLink(name).exit_code == 0; }
// The interface's index ("" if absent): a re-created veth has a new one.
std::string IfIndex(const std::string& name) {
  auto link = HostLink(name);
  return link.exit_code == 0 ? link.out.substr(0, link.out.find(':')) : "";
}

// Interfaces of this checkout's earlier (killed) runs, then containers and networks by label.
void SweepHost(docker::DockerEngine& engine) {
  // The rules of a run that failed before its lab was deleted, while its network still names them.
  if (const std::string bridge = MgmtBridge(); !bridge.empty()) RemoveExternalAccessRules(bridge);
  testing::SweepPrefix(engine, kPrefix);
  testing::RunProgram({"docker", "rm", "-f", kExt});
  auto links = testing::RunProgram({"ip", "-o", "link", "show"});
  std::istringstream lines(links.out);
  for (std::string line; std::getline(lines, line);) {
    auto at = line.find(": " + kHostIfPrefix);
    if (at == std::string::npos) continue;
    std::string name = line.substr(at + 2);
    name = name.substr(0, name.find_first_of(":@"));
    testing::RunProgram({"ip", "link", "delete", name});
  }
  std::error_code ec;
  for (const auto& node : {"a", "b", "c", "e"}) fs::remove("/run/netns/" + Container(node), ec);
  fs::remove("/run/netns/" + kExt, ec);
}

class LabdClabHostLinksTest : public testing::LabdDockerTest {
 protected:
  LabdClabHostLinksTest() : LabdDockerTest(kPrefix) {}
  void Sweep() override { SweepHost(engine_); }

  testing::CommandResult Apply(const std::string& topology) {
    std::ofstream(dir_ + "/clab.yml") << topology;
    return Labctl({"apply", "-f", dir_ + "/clab.yml"});
  }
  bool PollExec(const std::string& node, const std::vector<std::string>& cmd,
                std::chrono::seconds timeout = 60s) {
    return PollExecIn(kLab, node, cmd, timeout);
  }
  // The host end exists (another one than `old_index`), and this test's address is on it (a
  // re-created end has none).
  bool PollHostEnd(const std::string& name, const std::string& cidr,
                   const std::string& old_index = "") {
    if (!testing::PollUntil(
            [&] {
              const std::string index = IfIndex(name);
              return !index.empty() && index != old_index;
            },
            60s, 100ms))
      return false;
    testing::RunProgram({"ip", "addr", "replace", cidr, "dev", name});
    return true;
  }
  bool Ping(const std::string& node, const std::string& address) {
    return PollExec(node, {"ping", "-c", "1", "-W", "1", address}, 30s);
  }
  // Makes labd run a pass over the lab now (any change to the Lab does).
  void Poke() {
    auto client = testing::LabdClient(*labd_);
    auto patched =
        client.Patch(api::Kind::kLab, kLab,
                     {{"metadata", {{"annotations", {{"test/poke", std::to_string(++pokes_)}}}}}});
    ASSERT_TRUE(patched.ok()) << patched.status().ToString();
  }

  int pokes_ = 0;
};

TEST_F(LabdClabHostLinksTest, HostAndMgmtNetLinksComeUpSurviveDriftAndLeaveNothing) {
  const std::string net = "10.232." + kOctet + ".";
  const std::string mg = "10.233." + kOctet + ".";
  auto applied = Apply(Topology());
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  api::Result<json> last = api::Status::NotFound("never read");
  ASSERT_TRUE(testing::PollReady(*labd_, kLab, 120s, &last))
      << (last.ok() ? last->dump(2) : last.status().ToString())
      << "\nlabd log: " << labd_->log_path();

  // The host ends: veths named as written, MTU 9500 unless the link says otherwise; the
  // mgmt-net ends are ports of the management network's bridge (Docker's br-<id>).
  const std::string id =
      testing::RunProgram({"docker", "network", "inspect", "-f", "{{.Id}}", kLab + "-mgmt"}).out;
  const std::string bridge = "br-" + id.substr(0, 12);
  // mgmt.external-access (containerlab's default): the management bridge is let through
  // DOCKER-USER both ways, once.
  EXPECT_EQ(ExternalAccessRules(bridge, "-o"), 1);
  EXPECT_EQ(ExternalAccessRules(bridge, "-i"), 1);
  using End = std::tuple<std::string, std::string, std::string>;  // role, mtu, master
  for (const auto& [role, mtu, master] :
       {End{"a", "mtu 9500", ""}, End{"b", "mtu 9500", ""}, End{"k", "mtu 9500", ""},
        End{"n", "mtu 9500", "master " + bridge}, End{"m", "mtu 1500", "master " + bridge}}) {
    auto link = HostLink(HostIf(role));
    EXPECT_EQ(link.exit_code, 0) << HostIf(role) << link.err;
    EXPECT_NE(link.out.find(mtu), std::string::npos) << link.out;
    EXPECT_NE(link.out.find(" veth "), std::string::npos) << link.out;
    if (!master.empty()) {
      EXPECT_NE(link.out.find(master), std::string::npos) << link.out;
    }
  }
  auto eth1 = testing::RunProgram({"ip", "-netns", Container("a"), "-o", "link", "show", "eth1"});
  EXPECT_NE(eth1.out.find("mtu 9500"), std::string::npos) << eth1.out << eth1.err;

  // Both ends of each host link ping; a reaches b across the management bridge.
  ASSERT_TRUE(PollHostEnd(HostIf("a"), net + "2/30"));
  ASSERT_TRUE(PollHostEnd(HostIf("b"), net + "6/30"));
  EXPECT_TRUE(Ping("a", net + "2"));
  EXPECT_TRUE(Ping("b", net + "6"));
  EXPECT_TRUE(Ping("a", mg + "2"));
  ASSERT_TRUE(PollHostEnd(HostIf("k"), net + "10/30"));  // the kind host node's end
  EXPECT_TRUE(Ping("b", net + "10"));

  // Drift: a host end removed out of band is made again on the next pass, with a's address
  // (from its exec) back on a's end.
  std::string index = IfIndex(HostIf("a"));
  ASSERT_EQ(testing::RunProgram({"ip", "link", "delete", HostIf("a")}).exit_code, 0);
  Poke();
  ASSERT_TRUE(PollHostEnd(HostIf("a"), net + "2/30", index)) << "labd log: " << labd_->log_path();
  EXPECT_TRUE(Ping("a", net + "2")) << "labd log: " << labd_->log_path();

  // A killed node comes back with its host ends (new veths) and its exec run again.
  index = IfIndex(HostIf("b"));
  ASSERT_EQ(testing::RunProgram({"docker", "kill", Container("b")}).exit_code, 0);
  ASSERT_TRUE(PollHostEnd(HostIf("b"), net + "6/30", index)) << "labd log: " << labd_->log_path();
  EXPECT_TRUE(Ping("b", net + "6")) << "labd log: " << labd_->log_path();
  // b's mg0 is a new veth (another MAC): a forgets the old one instead of waiting for its
  // neighbour entry to time out.
  EXPECT_TRUE(PollExec("a", {"ip", "neigh", "flush", "dev", "eth0"}));
  EXPECT_TRUE(Ping("a", mg + "2"));
  EXPECT_NE(HostLink(HostIf("m")).out.find("master " + bridge), std::string::npos);

  // A labd restart adopts the running lab; a node killed afterwards is wired again. A rule
  // written twice (a crash between writing and recording) is kept once.
  labd_->Kill9();
  ASSERT_EQ(testing::RunProgram({"iptables", "-w", "-I", "DOCKER-USER", "-o", bridge, "-m",
                                 "comment", "--comment", "set by containerlab", "-j", "ACCEPT"})
                .exit_code,
            0);
  labd_->Start();
  EXPECT_TRUE(testing::PollReady(*labd_, kLab, 60s));
  EXPECT_TRUE(
      testing::PollUntil([&] { return ExternalAccessRules(bridge, "-o") == 1; }, 30s, 100ms))
      << ExternalAccessRules(bridge, "-o");
  EXPECT_EQ(ExternalAccessRules(bridge, "-i"), 1);
  index = IfIndex(HostIf("a"));
  ASSERT_EQ(testing::RunProgram({"docker", "kill", Container("a")}).exit_code, 0);
  ASSERT_TRUE(PollHostEnd(HostIf("a"), net + "2/30", index));
  EXPECT_TRUE(Ping("a", net + "2")) << "labd log: " << labd_->log_path();

  // Teardown leaves no host end.
  auto deleted = Labctl({"delete", "lab", kLab});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.out << deleted.err;
  ASSERT_TRUE(testing::PollGone(*labd_, kLab));
  for (const auto& role : {"a", "b", "k", "n", "m"})
    EXPECT_FALSE(HostLinkExists(HostIf(role))) << role;
  EXPECT_TRUE(testing::LeftoversOf(engine_, kPrefix).empty());
  EXPECT_EQ(ExternalAccessRules(bridge, "-o") + ExternalAccessRules(bridge, "-i"), 0);
  RemoveExternalAccessRules(bridge);  // a failed run leaves none behind either
}

// e links to an ext-container; the ext-container's end has a mac. external-access: false.
std::string ExtTopology() {
  return "name: " + kLab + "\nmgmt:\n  network: " + kLab + "-mgmt\n  ipv4-subnet: 172.28." +
         kOctet + R"(.0/24
  external-access: false
topology:
  nodes:
    e:
      kind: linux
      image: labbox:latest
      cap-add: [NET_ADMIN]
      exec: ["ip addr add 10.234.)" +
         kOctet + R"(.1/30 dev eth1"]
    )" + kExt +
         R"(: {kind: ext-container}
  links:
    - type: veth
      endpoints:
        - {node: e, interface: eth1}
        - {node: )" +
         kExt + R"(, interface: eth1, mac: "02:00:00:00:0e:01"}
)";
}

TEST_F(LabdClabHostLinksTest, AnExtContainerIsWaitedForWiredAndLeftRunning) {
  const std::string peer = "10.234." + kOctet + ".2";
  auto applied = Apply(ExtTopology());
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  // No container of that name yet: e waits for it, saying so.
  api::Result<json> last = api::Status::NotFound("never read");
  EXPECT_TRUE(testing::PollLab(
      *labd_, kLab,
      [](const api::Result<json>& l) {
        return l.ok() && l->dump().find("waiting for ext-container " + kExt) != std::string::npos;
      },
      60s, &last))
      << (last.ok() ? last->dump(2) : last.status().ToString());
  auto run = testing::RunProgram({"docker", "run", "-d", "--name", kExt, "--network", "none",
                                  "--cap-add", "NET_ADMIN", "labbox:latest", "sleep", "1d"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  Poke();
  ASSERT_TRUE(testing::PollReady(*labd_, kLab, 60s, &last))
      << (last.ok() ? last->dump(2) : last.status().ToString())
      << "\nlabd log: " << labd_->log_path();
  auto exec_ext = [&](const std::vector<std::string>& cmd) {
    std::vector<std::string> argv = {"docker", "exec", kExt};
    argv.insert(argv.end(), cmd.begin(), cmd.end());
    return testing::RunProgram(argv);
  };
  EXPECT_EQ(exec_ext({"cat", "/sys/class/net/eth1/address"}).out, "02:00:00:00:0e:01\n");
  EXPECT_TRUE(fs::is_symlink("/run/netns/" + kExt));
  ASSERT_EQ(exec_ext({"ip", "addr", "add", peer + "/30", "dev", "eth1"}).exit_code, 0);
  EXPECT_TRUE(Ping("e", peer));
  EXPECT_EQ(ExternalAccessRules(MgmtBridge(), "-o") + ExternalAccessRules(MgmtBridge(), "-i"), 0);

  // The ext-container restarted (its end of the link, and so the link, gone with its old
  // namespace): its start event makes labd wire the link again, long before the 5-minute resync.
  ASSERT_EQ(testing::RunProgram({"docker", "restart", "-t", "0", kExt}).exit_code, 0);
  ASSERT_TRUE(testing::PollUntil(
      [&] {
        return exec_ext({"ip", "addr", "replace", peer + "/30", "dev", "eth1"}).exit_code == 0;
      },
      30s, 200ms))
      << "labd log: " << labd_->log_path();
  EXPECT_EQ(exec_ext({"cat", "/sys/class/net/eth1/address"}).out, "02:00:00:00:0e:01\n");
  EXPECT_TRUE(Ping("e", peer)) << "labd log: " << labd_->log_path();

  // e restarted: the link is made again, the ext-container's end with its mac.
  ASSERT_EQ(testing::RunProgram({"docker", "kill", Container("e")}).exit_code, 0);
  ASSERT_TRUE(testing::PollUntil(
      [&] {
        return exec_ext({"ip", "addr", "replace", peer + "/30", "dev", "eth1"}).exit_code == 0;
      },
      60s, 200ms));
  EXPECT_TRUE(Ping("e", peer)) << "labd log: " << labd_->log_path();
  EXPECT_EQ(exec_ext({"cat", "/sys/class/net/eth1/address"}).out, "02:00:00:00:0e:01\n");

  // Teardown removes labd's end and netns link, not the container.
  auto deleted = Labctl({"delete", "lab", kLab});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.out << deleted.err;
  ASSERT_TRUE(testing::PollGone(*labd_, kLab));
  EXPECT_EQ(testing::RunProgram({"docker", "inspect", "-f", "{{.State.Running}}", kExt}).out,
            "true\n");
  EXPECT_EQ(exec_ext({"ls", "/sys/class/net"}).out, "lo\n");
  EXPECT_FALSE(fs::is_symlink("/run/netns/" + kExt));
}

TEST_F(LabdClabHostLinksTest, AHostInterfaceLabdDidNotCreateFailsTheNodeAndIsLeftAlone) {
  const std::string theirs = HostIf("x");
  // A bridge: this host may have no dummy driver.
  ASSERT_EQ(testing::RunProgram({"ip", "link", "add", theirs, "type", "bridge"}).exit_code, 0);
  auto applied = Apply("name: " + kLab + "\nmgmt:\n  network: " + kLab +
                       "-mgmt\n  ipv4-subnet: 172.28." + kOctet +
                       ".0/24\ntopology:\n  nodes:\n    c: {kind: linux, image: labbox:latest}\n"
                       "  links:\n    - type: host\n      endpoint: {node: c, interface: eth1}\n"
                       "      host-interface: " +
                       theirs + "\n");
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  api::Result<json> last = api::Status::NotFound("never read");
  EXPECT_TRUE(testing::PollLab(
      *labd_, kLab,
      [](const api::Result<json>& l) {
        return l.ok() && l->dump().find("topology.links[0].host-interface") != std::string::npos;
      },
      60s, &last))
      << (last.ok() ? last->dump(2) : last.status().ToString());
  EXPECT_NE(last->dump().find(theirs), std::string::npos);
  auto link = HostLink(theirs);
  EXPECT_NE(link.out.find(" bridge "), std::string::npos) << link.out << link.err;

  auto deleted = Labctl({"delete", "lab", kLab});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.out << deleted.err;
  ASSERT_TRUE(testing::PollGone(*labd_, kLab));
  EXPECT_NE(HostLink(theirs).out.find(" bridge "), std::string::npos);  // still there, untouched
  testing::RunProgram({"ip", "link", "delete", theirs});
}

}  // namespace
}  // namespace labctl
