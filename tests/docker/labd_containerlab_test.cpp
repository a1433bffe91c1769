// Provider containerlab end to end: a plain containerlab topology file applied with the real
// labctl to the real labd on the real dockerd — linux nodes, an extended veth link with an
// endpoint mac, a kind bridge joining two nodes, a second bridge joined to the first by a veth
// between the two bridges, dummy links, exec commands that assign the addresses. Checks what
// containerlab would have made (names, labels, environment, mgmt addresses, MTU 9500, /run/netns
// links, the host bridge and its forwarding rule), traffic across the link and the bridge,
// containerlab's node run-time fields (a published port bound to loopback, restart-policy,
// startup-delay, wait-for, network-mode container: and none, a mgmt ipv4-range), drift repair (a
// killed node comes back with its links, dummy interfaces and exec), and a teardown that leaves
// nothing (container, network, bridge, iptables rule, netns link, files). Names carry this
// checkout's tag; the subnet and bridge names are used by no other test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "docker/labd_docker.h"

namespace labctl {
namespace {

using api::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kTag = testing::CheckoutTag();
const std::string kPrefix = "dkclab" + kTag;
const std::string kLab = kPrefix + "-lan";
const std::string kBridge = "lcb" + kTag;  // host bridge and its ports: lcb<tag>a, lcb<tag>c
// The second bridge (its port lcb<tag>d) and the veth between the two: lcb<tag>p - lcb<tag>q.
const std::string kBridge2 = kBridge + "y";
const std::string kMacA = "02:00:00:00:0a:01";  // a's end of the a-b link
const std::string kMacC = "02:00:00:00:0c:01";  // c's end of its link to the bridge
const std::string kSubnetPrefix =
    "172.29." + std::to_string(std::stoi(kTag, nullptr, 16) % 200 + 20);

std::string Container(const std::string& node) { return "clab-" + kLab + "-" + node; }

std::string Topology() {
  return "name: " + kLab + R"(
mgmt:
  network: )" +
         kLab + R"(-mgmt
  ipv4-subnet: )" +
         kSubnetPrefix + R"(.0/24
  ipv4-range: )" +
         kSubnetPrefix + R"(.128/25
topology:
  defaults:
    kind: linux
    image: labbox:latest
    cap-add: [NET_ADMIN]
  nodes:
    a:
      mgmt-ipv4: )" +
         kSubnetPrefix + R"(.11
      env: {ROLE: left}
      binds: [cfg/motd:/etc/motd:ro]
      exec:
        - ip addr add 10.231.1.1/24 dev eth1
        - ip addr add 10.231.9.1/24 dev lan0
        - ip addr add 10.231.5.1/24 dev stub0
    b:
      exec:
        - ip addr add 10.231.1.2/24 dev eth1
      stages:
        create:
          wait-for: [{node: c, stage: healthy}]
    web:
      cmd: sh -c "mkdir -p /www && echo published > /www/index.html && exec httpd -f -p 8080 -h /www"
      ports: ["127.0.0.1::8080"]
      restart-policy: on-failure
      startup-delay: 1
    side:
      network-mode: container:b
      cmd: sleep 1d
    solo:
      network-mode: none
      cmd: sleep 1d
    c:
      exec:
        - ip addr add 10.231.9.3/24 dev lan0
    d:
      exec:
        - ip addr add 10.231.9.4/24 dev lan0
    )" + kBridge +
         R"(:
      kind: bridge
    )" + kBridge2 +
         R"(:
      kind: bridge
  links:
    - type: veth
      endpoints:
        - {node: a, interface: eth1, mac: ")" +
         kMacA + R"("}
        - {node: b, interface: eth1}
    - endpoints: ["a:lan0", ")" +
         kBridge + ":" + kBridge + R"(a"]
    - type: veth
      endpoints:
        - {node: )" +
         kBridge + ", interface: " + kBridge + R"(c}
        - {node: c, interface: lan0, mac: ")" +
         kMacC + R"("}
    - endpoints: [")" +
         kBridge + ":" + kBridge + "p\", \"" + kBridge2 + ":" + kBridge + R"(q"]
    - endpoints: ["d:lan0", ")" +
         kBridge2 + ":" + kBridge + R"(d"]
    - type: dummy
      endpoint: {node: a, interface: stub0}
    - type: dummy
      mtu: 1400
      endpoint: {node: c, interface: stub1}
)";
}

const std::vector<std::string> kContainerNodes = {"a", "b", "c", "d", "web", "side", "solo"};

// The forwarding rule of the lab's bridge (host_bridge.h), as labd comments it.
const std::string kRuleTag = "labctl:" + testing::TestInstance(kPrefix) + ":" + kLab + ":bridge";

bool ForwardRuleExists() {
  return testing::RunProgram({"iptables", "-w", "-S"}).out.find(kRuleTag) != std::string::npos;
}

bool HostLinkExists(const std::string& name) {
  return testing::RunProgram({"ip", "link", "show", name}).exit_code == 0;
}

// Leftovers of a killed earlier run of this test: containers and networks by label, then what
// lives in the host namespace by name.
void SweepHost(docker::DockerEngine& engine) {
  testing::SweepPrefix(engine, kPrefix);
  for (const auto& link :
       {kBridge + "a", kBridge + "c", kBridge + "d", kBridge + "p", kBridge, kBridge2})
    if (HostLinkExists(link)) testing::RunProgram({"ip", "link", "delete", link});
  std::error_code ec;
  for (const auto& node : kContainerNodes) fs::remove("/run/netns/" + Container(node), ec);
  for (const auto& bridge : {kBridge, kBridge2})
    for (int i = 0; i < 4 && ForwardRuleExists(); ++i)
      testing::RunProgram({"iptables", "-w", "-D", "DOCKER-USER", "-i", bridge, "-o", bridge, "-m",
                           "comment", "--comment", kRuleTag, "-j", "ACCEPT"});
}

class LabdContainerlabTest : public testing::LabdDockerTest {
 protected:
  LabdContainerlabTest() : LabdDockerTest(kPrefix) {}
  void SetUp() override {
    LabdDockerTest::SetUp();
    std::ofstream(dir_ + "/clab.yml") << Topology();
    fs::create_directories(dir_ + "/cfg");
    std::ofstream(dir_ + "/cfg/motd") << "bound beside the topology\n";
  }
  void Sweep() override { SweepHost(engine_); }

  testing::CommandResult Exec(const std::string& node, const std::vector<std::string>& cmd) {
    return ExecIn(kLab, node, cmd);
  }
  bool PollExec(const std::string& node, const std::vector<std::string>& cmd) {
    return PollExecIn(kLab, node, cmd);
  }
  // A dummy link's interface in the node: up, with the link's MTU and what exec put on it.
  void ExpectStub(const std::string& node, const std::string& ifname, const std::string& mtu,
                  const std::string& address) {
    // The host's ip reads the kind (busybox's cannot), through the /run/netns link labd made.
    auto link = testing::RunProgram(
        {"ip", "-netns", Container(node), "-o", "-d", "link", "show", "dev", ifname});
    EXPECT_NE(link.out.find(mtu), std::string::npos) << node << " " << link.out << link.err;
    EXPECT_NE(link.out.find(",UP"), std::string::npos) << node << " " << link.out;
    // A kernel without the dummy driver gets an ifb device (node_network.h).
    EXPECT_TRUE(link.out.find(" dummy ") != std::string::npos ||
                link.out.find(" ifb ") != std::string::npos)
        << link.out;
    auto addr = Exec(node, {"ip", "-o", "-4", "addr", "show", "dev", ifname});
    EXPECT_NE(addr.out.find(address), std::string::npos) << node << " " << addr.out << addr.err;
  }
  // The veth between the two bridges: each end a port of its own bridge.
  void ExpectBridgeToBridgeLink() {
    for (const auto& [end, bridge] :
         {std::pair{kBridge + "p", kBridge}, {kBridge + "q", kBridge2}}) {
      auto link = testing::RunProgram({"ip", "-o", "-d", "link", "show", "dev", end});
      EXPECT_NE(link.out.find(" veth "), std::string::npos) << end << link.out << link.err;
      EXPECT_NE(link.out.find("master " + bridge + " "), std::string::npos) << end << link.out;
    }
  }
  std::string Mac(const std::string& node, const std::string& ifname) {
    return Exec(node, {"cat", "/sys/class/net/" + ifname + "/address"}).out;
  }
  std::string Inspect(const std::string& container, const std::string& format) {
    return testing::RunProgram({"docker", "inspect", "--format", format, container}).out;
  }
  // A container's Docker timestamp (RFC 3339, UTC) as seconds of the day.
  double TimeOfDay(const std::string& container, const std::string& field) {
    const std::string t = Inspect(container, "{{" + field + "}}");
    const auto at = t.find('T');
    if (at == std::string::npos) return -1;
    return std::stod(t.substr(at + 1, 2)) * 3600 + std::stod(t.substr(at + 4, 2)) * 60 +
           std::stod(t.substr(at + 7, t.find('Z') - at - 7));
  }
  // containerlab's run-time fields, as Docker and the nodes show them.
  void ExpectNodeRuntimeFields() {
    // ports: published on loopback, at a port Docker picked; the node's web server answers.
    auto port = testing::RunProgram({"docker", "port", Container("web"), "8080/tcp"});
    ASSERT_EQ(port.out.rfind("127.0.0.1:", 0), 0u) << port.out << port.err;
    const std::string url = "http://" + port.out.substr(0, port.out.find('\n')) + "/index.html";
    auto fetched = testing::RunProgram({"/bin/busybox", "wget", "-q", "-O", "-", url});
    EXPECT_EQ(fetched.out, "published\n") << url << " " << fetched.err;
    EXPECT_EQ(Inspect(Container("web"), "{{.HostConfig.RestartPolicy.Name}}"), "on-failure\n");
    EXPECT_EQ(Inspect(Container("a"), "{{.HostConfig.RestartPolicy.Name}}"), "\n");
    // network-mode: side is in b's namespace (sees b's eth1), solo in one of its own; neither is
    // on the management network.
    EXPECT_EQ(Inspect(Container("side"), "{{.HostConfig.NetworkMode}}"),
              "container:" + Inspect(Container("b"), "{{.Id}}"));  // Docker keeps b's id
    auto side_eth1 = Exec("side", {"ip", "-o", "-4", "addr", "show", "dev", "eth1"});
    EXPECT_NE(side_eth1.out.find("10.231.1.2/24"), std::string::npos) << side_eth1.out;
    EXPECT_EQ(Inspect(Container("solo"), "{{.HostConfig.NetworkMode}}"), "none\n");
    auto solo_links = Exec("solo", {"ls", "/sys/class/net"});
    EXPECT_EQ(solo_links.out, "lo\n") << solo_links.err;
    // The mgmt ipv4-range: nodes without a static address get theirs from it.
    auto b_eth0 = Exec("b", {"ip", "-o", "-4", "addr", "show", "dev", "eth0"});
    EXPECT_NE(b_eth0.out.find(kSubnetPrefix + ".128/24"), std::string::npos) << b_eth0.out;
    // wait-for c healthy: b was created only once c ran and its exec was done.
    EXPECT_GT(TimeOfDay(Container("b"), ".Created"), TimeOfDay(Container("c"), ".State.StartedAt"));
  }
};

TEST_F(LabdContainerlabTest, WhatLabctlDoesNotRealiseIsRefusedAtApplyNamingTheField) {
  std::ofstream(dir_ + "/bad.clab.yml")
      << "name: " << kPrefix
      << "-bad\ntopology:\n  nodes:\n    a: {kind: linux, image: labbox:latest, "
         "ports: [\"8080-8081:80-81\"]}\n";
  auto applied = Labctl({"apply", "-f", dir_ + "/bad.clab.yml"});
  EXPECT_NE(applied.exit_code, 0);
  EXPECT_NE(applied.err.find("spec.containerlab.topology[topology.nodes.a.ports[0]]"),
            std::string::npos)
      << applied.out << applied.err;
  EXPECT_NE(testing::LabdClient(*labd_).Get(api::Kind::kLab, kPrefix + "-bad").status().code(),
            api::Code::kOk);
}

TEST_F(LabdContainerlabTest, ATopologyFileRunsAsContainerlabWouldAndLeavesNothing) {
  auto applied = Labctl({"apply", "-f", dir_ + "/clab.yml"});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  api::Result<json> last = api::Status::NotFound("never read");
  ASSERT_TRUE(testing::PollReady(*labd_, kLab, 120s, &last))
      << (last.ok() ? last->dump(2) : last.status().ToString())
      << "\nlabd log: " << labd_->log_path();
  EXPECT_EQ((*last)["spec"]["provider"], "containerlab");

  // Named, labelled and addressed as containerlab would.
  EXPECT_EQ(Inspect(Container("a"),
                    "{{index .Config.Labels \"clab-node-name\"}} "
                    "{{index .Config.Labels \"containerlab\"}}"),
            "a " + kLab + "\n");
  auto env = Inspect(Container("a"), "{{range .Config.Env}}{{println .}}{{end}}");
  EXPECT_NE(env.find("CLAB_INTFS=3\n"), std::string::npos) << env;
  EXPECT_NE(env.find("ROLE=left\n"), std::string::npos) << env;
  EXPECT_NE(env.find("CLAB_LABEL_CLAB_NODE_NAME=a\n"), std::string::npos) << env;
  // A relative bind: labctl sent the file along, labd wrote it beside the topology.
  EXPECT_EQ(Exec("a", {"cat", "/etc/motd"}).out, "bound beside the topology\n");
  auto eth0 = Exec("a", {"ip", "-o", "-4", "addr", "show", "dev", "eth0"});
  EXPECT_NE(eth0.out.find(kSubnetPrefix + ".11/24"), std::string::npos) << eth0.out << eth0.err;
  auto eth1 = Exec("a", {"ip", "-o", "link", "show", "dev", "eth1"});
  EXPECT_NE(eth1.out.find("mtu 9500"), std::string::npos) << eth1.out << eth1.err;
  ExpectStub("a", "stub0", "mtu 9500", "10.231.5.1/24");
  ExpectStub("c", "stub1", "mtu 1400", "");
  auto lan0 = Exec("c", {"ip", "-o", "-4", "addr", "show", "dev", "lan0"});
  EXPECT_NE(lan0.out.find("10.231.9.3/24"), std::string::npos) << lan0.out << lan0.err;
  for (const auto& node : kContainerNodes)
    EXPECT_TRUE(fs::is_symlink("/run/netns/" + Container(node))) << node;
  ExpectNodeRuntimeFields();
  EXPECT_TRUE(HostLinkExists(kBridge));
  EXPECT_TRUE(ForwardRuleExists());
  // Endpoint macs, on a veth between nodes and on a node's port of a bridge.
  EXPECT_EQ(Mac("a", "eth1"), kMacA + "\n");
  EXPECT_EQ(Mac("c", "lan0"), kMacC + "\n");
  ExpectBridgeToBridgeLink();

  // Traffic across the link, across the bridge, and across both bridges.
  auto ping_b = Exec("a", {"ping", "-c", "1", "-W", "2", "10.231.1.2"});
  EXPECT_EQ(ping_b.exit_code, 0) << ping_b.out << ping_b.err;
  auto ping_c = Exec("a", {"ping", "-c", "1", "-W", "2", "10.231.9.3"});
  EXPECT_EQ(ping_c.exit_code, 0) << ping_c.out << ping_c.err;
  EXPECT_TRUE(PollExec("a", {"ping", "-c", "1", "-W", "1", "10.231.9.4"}));

  // A reset (the hand-over to the next user) keeps what the topology describes, exec included.
  auto reset = Labctl({"lab", "reset", kLab});
  EXPECT_EQ(reset.exit_code, 0) << reset.out << reset.err;
  EXPECT_TRUE(PollExec("a", {"ping", "-c", "1", "-W", "1", "10.231.1.2"}));

  // Drift: a killed node comes back with its links wired (its mac again) and its exec run
  // again, and its peer's end of the re-created link keeps the peer's address; the veth between
  // the bridges, removed out of band, is made again by that pass.
  ASSERT_EQ(testing::RunProgram({"ip", "link", "delete", kBridge + "p"}).exit_code, 0);
  ASSERT_EQ(testing::RunProgram({"docker", "kill", Container("a")}).exit_code, 0);
  EXPECT_TRUE(PollExec("a", {"ping", "-c", "1", "-W", "1", "10.231.1.2"}))
      << "labd log: " << labd_->log_path();
  EXPECT_TRUE(PollExec("a", {"ping", "-c", "1", "-W", "1", "10.231.9.3"}));
  EXPECT_TRUE(testing::PollReady(*labd_, kLab, 60s));
  EXPECT_EQ(Mac("a", "eth1"), kMacA + "\n");
  ExpectBridgeToBridgeLink();
  EXPECT_TRUE(PollExec("a", {"ping", "-c", "1", "-W", "1", "10.231.9.4"}));
  ExpectStub("a", "stub0", "mtu 9500", "10.231.5.1/24");  // in the new container's namespace

  // The same after a labd restart: the lab is adopted as it runs, and what b's exec put on its
  // end of the a-b link is still known when a restarts and re-creates the link.
  labd_->Kill9();
  labd_->Start();
  EXPECT_TRUE(testing::PollReady(*labd_, kLab, 60s));
  ASSERT_EQ(testing::RunProgram({"docker", "kill", Container("a")}).exit_code, 0);
  EXPECT_TRUE(PollExec("a", {"ping", "-c", "1", "-W", "1", "10.231.1.2"}))
      << "labd log: " << labd_->log_path();

  // Teardown leaves no container, network, host bridge or netns link.
  auto deleted = Labctl({"delete", "lab", kLab});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.out << deleted.err;
  ASSERT_TRUE(testing::PollGone(*labd_, kLab));
  EXPECT_TRUE(testing::LeftoversOf(engine_, kPrefix).empty())
      << ::testing::PrintToString(testing::LeftoversOf(engine_, kPrefix));
  EXPECT_NE(testing::RunProgram({"docker", "network", "inspect", kLab + "-mgmt"}).exit_code, 0);
  for (const auto& link : {kBridge, kBridge2, kBridge + "a", kBridge + "p", kBridge + "q"})
    EXPECT_FALSE(HostLinkExists(link)) << link;
  EXPECT_FALSE(ForwardRuleExists());
  for (const auto& node : kContainerNodes)
    EXPECT_FALSE(fs::exists("/run/netns/" + Container(node)) ||
                 fs::is_symlink("/run/netns/" + Container(node)))
        << node;
  EXPECT_FALSE(fs::exists(labd_->data_dir() + "/labs/" + kLab));
}

}  // namespace
}  // namespace labctl
