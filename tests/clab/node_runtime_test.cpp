// Provider containerlab's node run-time fields in the model (clab_model.h): published ports
// (ports.h), network-mode, restart-policy, startup-delay, stages / wait-for as a start order
// (start_order.h), and the management network's ipv6-gw and ranges — and the 422s for what of
// them cannot work. Pure: no engine, no files.
#include <gmock/gmock.h>

#include "clab_test_util.h"
#include "reconcilers/providers/containerlab/clab_model.h"
#include "reconcilers/providers/containerlab/clab_validation.h"
#include "reconcilers/providers/containerlab/ports.h"

namespace labctl::clab {
namespace {

using testing::CauseAt;
using testing::ClabLabObject;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::kLabsDir;

ClabLab MustRead(const std::string& topology) {
  auto read = ReadClabLab(ClabLabObject("rt", topology), kLabsDir);
  EXPECT_TRUE(read.ok()) << read.status().ToString();
  return read.ok() ? *read : ClabLab{};
}

std::vector<api::Cause> Causes(const std::string& topology) {
  auto st = ValidateContainerlabLab(ClabLabObject("rt", topology));
  EXPECT_EQ(st.code(), api::Code::kInvalid) << st.ToString();
  return st.causes();
}

TEST(ClabPorts, ParseDockersPublishSyntax) {
  auto port = [](const std::string& text) {
    auto p = ParsePort(text);
    EXPECT_TRUE(p.ok()) << text << ": " << p.status().ToString();
    return p.ok() ? *p : docker::PortBinding{};
  };
  EXPECT_EQ(port("8080:80"), (docker::PortBinding{"", "8080", 80, "tcp"}));
  EXPECT_EQ(port("55555:43555/udp"), (docker::PortBinding{"", "55555", 43555, "udp"}));
  EXPECT_EQ(port("127.0.0.1:2222:22/tcp"), (docker::PortBinding{"127.0.0.1", "2222", 22, "tcp"}));
  EXPECT_EQ(port("127.0.0.1::80"), (docker::PortBinding{"127.0.0.1", "", 80, "tcp"}));
  EXPECT_EQ(port("53/udp"), (docker::PortBinding{"", "", 53, "udp"}));
  EXPECT_EQ(port("[::1]:8080:80"), (docker::PortBinding{"::1", "8080", 80, "tcp"}));
  for (const char* bad : {"", "x:80", "80:0", "80:70000", "80/icmp", "1.2.3:80:80", "80-81:80-81",
                          "1:2:3:4", "[::1]:80", "[zz]:1:2"})
    EXPECT_FALSE(ParsePort(bad).ok()) << bad;
}

TEST(ClabNodeRuntime, PortsRestartPolicyAndStartupDelayGoToTheContainer) {
  ClabLab lab = MustRead(R"(
name: rt
topology:
  defaults: {kind: linux, image: labbox:latest}
  nodes:
    a:
      ports: ["127.0.0.1:8080:80", "53/udp"]
      restart-policy: always
      startup-delay: 3
    b: {}
)");
  const auto* a = lab.model.FindNode("a");
  ASSERT_NE(a, nullptr);
  EXPECT_THAT(a->ports, ElementsAre(docker::PortBinding{"127.0.0.1", "8080", 80, "tcp"},
                                    docker::PortBinding{"", "", 53, "udp"}));
  EXPECT_EQ(a->restart_policy, "always");
  EXPECT_EQ(a->startup_delay_seconds, 3);
  const auto spec = reconcilers::ContainerSpecFor(lab.model, *a);
  EXPECT_EQ(spec.restart_policy, "always");
  EXPECT_EQ(spec.ports.size(), 2u);
  // Not written: no Docker policy (labd repairs the node) and the hash nodes had before.
  const auto* b = lab.model.FindNode("b");
  EXPECT_EQ(b->restart_policy, "");
  EXPECT_THAT(b->ports, IsEmpty());
  EXPECT_EQ(b->startup_delay_seconds, 0);
}

TEST(ClabNodeRuntime, NetworkModeNodesAreNotOnTheMgmtNetwork) {
  ClabLab lab = MustRead(R"(
name: rt
topology:
  defaults: {kind: linux, image: labbox:latest}
  nodes:
    main: {}
    side: {network-mode: "container:main"}
    ext: {network-mode: "container:somebody-else"}
    hosted: {network-mode: host}
    isolated: {network-mode: none}
)");
  const auto& m = lab.model;
  EXPECT_EQ(m.FindNode("main")->interfaces.size(), 1u);
  for (const char* n : {"side", "ext", "hosted", "isolated"})
    EXPECT_THAT(m.FindNode(n)->interfaces, IsEmpty()) << n;
  // A node of the topology is named by its container, and waited for.
  EXPECT_EQ(m.FindNode("side")->network_mode, "container:clab-rt-main");
  EXPECT_THAT(m.FindNode("side")->depends_on_running, ElementsAre("main"));
  EXPECT_EQ(m.FindNode("ext")->network_mode, "container:somebody-else");
  EXPECT_EQ(m.FindNode("hosted")->network_mode, "host");
  EXPECT_FALSE(m.FindNode("hosted")->OwnsNetworkNamespace());
  EXPECT_TRUE(m.FindNode("isolated")->OwnsNetworkNamespace());
  auto spec = reconcilers::ContainerSpecFor(m, *m.FindNode("hosted"));
  EXPECT_EQ(spec.network_mode, "host");
  EXPECT_FALSE(spec.network.has_value());
}

TEST(ClabNodeRuntime, NetworkModeNodesHaveNoLinksPortsOrMgmtAddresses) {
  auto causes = Causes(R"(
name: rt
mgmt: {ipv4-subnet: 172.29.7.0/24}
topology:
  defaults: {kind: linux, image: labbox:latest}
  nodes:
    a: {}
    h: {network-mode: host, ports: ["80:80"], mgmt-ipv4: 172.29.7.5}
    n: {network-mode: none}
  links:
    - endpoints: ["a:eth1", "h:eth1"]
    - type: dummy
      endpoint: {node: h, interface: d0}
    - endpoints: ["a:eth2", "n:eth1"]
)");
  const std::string t = "spec.containerlab.topology";
  EXPECT_THAT(causes, CauseAt(t + "[topology.links[0].endpoints]", "network-mode host"));
  EXPECT_THAT(causes, CauseAt(t + "[topology.links[1].endpoint]", "network-mode host"));
  EXPECT_THAT(causes, CauseAt(t + "[topology.nodes.h.ports]", "publishes no ports"));
  EXPECT_THAT(causes, CauseAt(t + "[topology.nodes.h.mgmt-ipv4]", "network-mode host"));
  EXPECT_EQ(causes.size(), 4u);  // network-mode none keeps a namespace: its link is fine
}

TEST(ClabNodeRuntime, WaitForBecomesTheStartOrder) {
  ClabLab lab = MustRead(R"(
name: rt
topology:
  defaults: {kind: linux, image: labbox:latest}
  nodes:
    db: {}
    app:
      stages:
        create: {wait-for: [{node: db, stage: healthy}, {node: cache}]}
    cache: {}
    legacy: {wait-for: [db]}
    late:
      stages:
        configure: {wait-for: [{node: app, stage: configure}]}
  links:
    - endpoints: ["db:eth1", "cache:eth1"]
)");
  const auto& m = lab.model;
  EXPECT_THAT(m.FindNode("app")->depends_on, ElementsAre("db"));
  EXPECT_THAT(m.FindNode("app")->depends_on_running, ElementsAre("cache"));
  EXPECT_THAT(m.FindNode("legacy")->depends_on_running, ElementsAre("db"));
  EXPECT_THAT(m.FindNode("late")->depends_on, ElementsAre("app"));
  EXPECT_THAT(m.FindNode("db")->depends_on, IsEmpty());
}

TEST(ClabNodeRuntime, AWaitThatCanNeverEndIsRefused) {
  // b waits for a to be Ready; a is Ready only once its link peer b runs.
  auto causes = Causes(R"(
name: rt
topology:
  defaults: {kind: linux, image: labbox:latest}
  nodes:
    a: {}
    b: {stages: {create: {wait-for: [{node: a, stage: healthy}]}}}
  links:
    - endpoints: ["a:eth1", "b:eth1"]
)");
  EXPECT_THAT(causes,
              CauseAt("spec.containerlab.topology[topology.nodes.a.stages]", "a -> b -> a"));
  // Waiting for a linked node to be created is fine: it runs without its peer.
  auto ok = ValidateContainerlabLab(ClabLabObject("rt", R"(
name: rt
topology:
  defaults: {kind: linux, image: labbox:latest}
  nodes:
    a: {}
    b: {stages: {create: {wait-for: [{node: a, stage: create}]}}}
  links:
    - endpoints: ["a:eth1", "b:eth1"]
)"));
  EXPECT_TRUE(ok.ok()) << ok.ToString();
}

TEST(ClabNodeRuntime, MgmtIpv6GatewayAndRangesGoToTheDockerNetwork) {
  ClabLab lab = MustRead(R"(
name: rt
mgmt:
  ipv4-subnet: 172.29.8.0/24
  ipv4-range: 172.29.8.128/25
  ipv6-subnet: fd00:29:8::/64
  ipv6-gw: fd00:29:8::fe
  ipv6-range: fd00:29:8::100/120
topology:
  nodes:
    a: {kind: linux, image: labbox:latest}
)");
  const auto& n = lab.model.networks.at(0);
  EXPECT_EQ(n.ipv4_range, "172.29.8.128/25");
  // Docker would take the range's first address for the gateway: it is given explicitly.
  EXPECT_EQ(n.gateway, "172.29.8.1");
  EXPECT_EQ(n.ipv6_gateway, "fd00:29:8::fe");
  EXPECT_EQ(n.ipv6_range, "fd00:29:8::100/120");
  auto spec = reconcilers::NetworkSpecFor(lab.model, n);
  EXPECT_EQ(spec.ipv6_gateway, "fd00:29:8::fe");
  // The node's address comes out of the range, as Docker would pick it.
  const auto& eth0 = lab.model.FindNode("a")->interfaces.at(0);
  EXPECT_EQ(eth0.ipv4, "172.29.8.128");
  EXPECT_EQ(eth0.ipv6, "fd00:29:8::100");
}

TEST(ClabNodeRuntime, AHostNodesLinksAreVethsToTheHostNamespace) {
  ClabLab lab = MustRead(R"(
name: rt
topology:
  defaults: {kind: linux, image: labbox:latest}
  nodes:
    a: {}
    myhost: {kind: host}
  links:
    - endpoints: ["a:eth1", "myhost:veth-a"]
    - endpoints: ["myhost:veth-a2", "a:eth2"]
)");
  EXPECT_EQ(lab.model.FindNode("myhost"), nullptr);  // no container
  EXPECT_THAT(lab.model.links, IsEmpty());
  ASSERT_EQ(lab.host_links.size(), 2u);
  using Attach = HostEndLink::Attach;
  EXPECT_EQ(lab.host_links[0], (HostEndLink{0, "a", "eth1", "veth-a", Attach::kNone, "", 9500,
                                            "topology.links[0].endpoints"}));
  EXPECT_EQ(lab.host_links[1].node, "a");
  EXPECT_EQ(lab.host_links[1].host_ifname, "veth-a2");
  // Its other end must be a container; labd runs nothing on the host.
  auto causes = Causes(R"(
name: rt
topology:
  nodes:
    h1: {kind: host, exec: [date]}
    br1: {kind: bridge}
  links:
    - endpoints: ["h1:v1", "br1:v2"]
)");
  EXPECT_THAT(causes, CauseAt("spec.containerlab.topology[topology.links[0].endpoints]",
                              "needs a node with a container"));
  EXPECT_THAT(causes, CauseAt("spec.containerlab.topology[topology.nodes.h1.exec]", "kind host"));
}

}  // namespace
}  // namespace labctl::clab
