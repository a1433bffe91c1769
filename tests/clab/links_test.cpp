// Links in containerlab's brief and extended notations, and the endpoint checks.
#include "clab_test_util.h"

namespace labctl::clab {
namespace {

using testing::CauseAt;
using ::testing::ElementsAre;
using testing::MustResolve;
using testing::ResolveCauses;

constexpr const char* kNodes = R"(
name: links
topology:
  defaults: {kind: linux, image: i}
  nodes:
    a: {}
    b: {}
    br1: {kind: bridge}
)";

Topology WithLinks(const std::string& links) {
  return MustResolve(std::string(kNodes) + "  links:\n" + links);
}

TEST(ClabLinks, BriefVethKeepsNamesAndDefaultMtu) {
  Topology t = WithLinks(R"(
  - endpoints: ["a:eth1", "b:e1-1"]
  - endpoints: ["a:eth2", "br1:a-port"]
    mtu: 1500
)");
  ASSERT_EQ(t.links.size(), 2u);
  EXPECT_EQ(t.links[0].type, LinkType::kVeth);
  EXPECT_THAT(t.links[0].endpoints,
              ElementsAre(Endpoint{"a", "eth1", ""}, Endpoint{"b", "e1-1", ""}));
  EXPECT_EQ(t.links[0].mtu, kDefaultLinkMtu);
  EXPECT_EQ(t.links[1].mtu, 1500);
  EXPECT_EQ(t.links[1].endpoints[1].node, "br1");
}

TEST(ClabLinks, ExtendedForms) {
  Topology t = WithLinks(R"(
  - type: veth
    endpoints:
    - {node: a, interface: eth1, mac: "02:00:00:00:00:01"}
    - {node: b, interface: eth1}
    labels: {speed: 10G}
  - type: dummy
    endpoint: {node: a, interface: stub0}
  - type: host
    endpoint: {node: b, interface: eth2}
    host-interface: b-host
  - type: mgmt-net
    endpoint: {node: a, interface: eth3}
    host-interface: a-mgmt
)");
  ASSERT_EQ(t.links.size(), 4u);
  EXPECT_EQ(t.links[0].endpoints[0].mac, "02:00:00:00:00:01");
  EXPECT_EQ(t.links[0].labels.at("speed"), "10G");
  EXPECT_EQ(t.links[1].type, LinkType::kDummy);
  EXPECT_THAT(t.links[1].endpoints, ElementsAre(Endpoint{"a", "stub0", ""}));
  EXPECT_EQ(t.links[2].type, LinkType::kHost);
  EXPECT_EQ(t.links[2].host_interface, "b-host");
  EXPECT_EQ(t.links[3].type, LinkType::kMgmtNet);
  EXPECT_EQ(t.links[3].mtu, kDefaultLinkMtu);
  EXPECT_STREQ(LinkTypeName(t.links[3].type), "mgmt-net");
}

TEST(ClabLinks, BriefHostAndMgmtNetOnEitherSide) {
  Topology t = WithLinks(R"(
  - endpoints: ["host:a-host", "a:eth1"]
  - endpoints: ["b:eth1", "mgmt-net:b-mgmt"]
)");
  EXPECT_EQ(t.links[0].type, LinkType::kHost);
  EXPECT_THAT(t.links[0].endpoints, ElementsAre(Endpoint{"a", "eth1", ""}));
  EXPECT_EQ(t.links[0].host_interface, "a-host");
  EXPECT_EQ(t.links[1].type, LinkType::kMgmtNet);
  EXPECT_EQ(t.links[1].host_interface, "b-mgmt");
}

TEST(ClabLinks, EndpointChecksNameTheirField) {
  auto causes = ResolveCauses(std::string(kNodes) + R"(  links:
  - endpoints: ["a:eth1", "ghost:eth1"]
  - endpoints: ["a:eth1", "b:eth1"]
  - endpoints: ["a:eth0", "b:eth2"]
  - endpoints: ["a:this-name-is-too-long", "b:eth3"]
  - endpoints: ["a"]
  - endpoints: ["a:eth5", "macvlan:enp0s3"]
  - endpoints: ["host:dup", "a:eth6"]
  - endpoints: ["b:eth7", "host:dup"]
  - type: host
    endpoint: {node: a, interface: eth8}
  - type: veth
    endpoints:
    - {node: a, interface: eth9, mac: nope}
    - {node: b, interface: eth9, mac: "01:00:5e:00:00:01"}
  - type: dummy
    endpoint: {node: a, interface: d0, mac: "00:00:00:00:00:00"}
)");
  EXPECT_THAT(causes, CauseAt("topology.links[0].endpoints[1]", "unknown node \"ghost\""));
  EXPECT_THAT(causes,
              CauseAt("topology.links[1].endpoints[0]", "already used by topology.links[0]"));
  EXPECT_THAT(causes, CauseAt("topology.links[2].endpoints[0]", "management interface"));
  EXPECT_THAT(causes, CauseAt("topology.links[3].endpoints[0]", "1-15 characters"));
  EXPECT_THAT(causes, CauseAt("topology.links[4].endpoints", "exactly 2"));
  EXPECT_THAT(causes, CauseAt("topology.links[5].endpoints[1]", "macvlan"));
  EXPECT_THAT(causes, CauseAt("topology.links[7].endpoints", "host interface dup is already used"));
  EXPECT_THAT(causes, CauseAt("topology.links[8].host-interface", "required"));
  EXPECT_THAT(causes, CauseAt("topology.links[9].endpoints[0].mac", "six hex octets"));
  EXPECT_THAT(causes, CauseAt("topology.links[9].endpoints[1].mac", "unicast"));
  EXPECT_THAT(causes, CauseAt("topology.links[10].endpoint.mac", "all zeros"));
}

TEST(ClabLinks, BridgePortsShareTheHostNamespace) {
  auto causes = ResolveCauses(R"(
name: ports
topology:
  defaults: {kind: linux, image: i}
  nodes: {a: {}, b: {}, br1: {kind: bridge}, br2: {kind: bridge}}
  links:
  - endpoints: ["a:eth1", "br1:port1"]
  - endpoints: ["b:eth1", "br2:port1"]
)");
  EXPECT_THAT(causes, CauseAt("topology.links[1].endpoints[1]", "host interface port1"));
}

}  // namespace
}  // namespace labctl::clab
