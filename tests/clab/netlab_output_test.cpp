// The clab.yml files real netlab 26.03 wrote (`netlab create -p clab`, tests/clab/data/netlab;
// tests/netlab regenerates them and checks they are unchanged) resolve to the lab netlab meant.
#include "clab_test_util.h"
#include "reconcilers/providers/containerlab/mgmt_plan.h"
#include "reconcilers/providers/containerlab/naming.h"

namespace labctl::clab {
namespace {

using ::testing::ElementsAre;

Topology NetlabTopology(const std::string& name) {
  std::string text = testing::ReadSourceFile("tests/clab/data/netlab/" + name + "/clab.yml");
  EXPECT_FALSE(text.empty()) << name;
  return testing::MustResolve(text, "/var/lib/labctl/labs/" + name + "/clab.yml");
}

std::vector<std::string> BindStrings(const Node& n) {
  std::vector<std::string> out;
  for (const auto& b : n.binds) out.push_back(b.ToString());
  return out;
}

TEST(ClabNetlabOutput, LinuxChain) {
  Topology t = NetlabTopology("chain");
  EXPECT_EQ(t.name, "chain");
  EXPECT_EQ(t.mgmt.network, "netlab_mgmt");
  EXPECT_EQ(t.mgmt.ipv4_subnet->ToString(), "192.168.121.0/24");
  EXPECT_FALSE(t.mgmt.ipv6_subnet);  // netlab gives one family: no containerlab defaults
  ASSERT_EQ(t.nodes.size(), 3u);
  const Node& a = t.nodes.at("a");
  EXPECT_EQ(a.kind, "linux");
  EXPECT_EQ(a.image, "labbox:latest");
  EXPECT_EQ(a.restart_policy, "no");
  EXPECT_EQ(a.group, "netlab_no_reload");
  EXPECT_EQ(a.mgmt_ipv4->ToString(), "192.168.121.101");
  EXPECT_THAT(BindStrings(a),
              ElementsAre("/var/lib/labctl/labs/chain/node_files/-shared-hosts:/etc/hosts:ro"));
  ASSERT_EQ(t.links.size(), 2u);
  EXPECT_THAT(t.links[1].endpoints,
              ElementsAre(Endpoint{"b", "eth2", ""}, Endpoint{"c", "eth1", ""}));
  EXPECT_EQ(ContainerName(t, "c"), "clab-chain-c");
  auto plan = PlanMgmtAddresses(t);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->nodes.at("c").ipv4->ToString(), "192.168.121.103");
}

TEST(ClabNetlabOutput, MultilabLanWithBridge) {
  Topology t = NetlabTopology("lan");
  EXPECT_EQ(t.name, "ml-5");
  EXPECT_EQ(t.mgmt.network, "nl_mgmt_5");
  EXPECT_EQ(t.mgmt.bridge, "nl_mgmt_5");
  EXPECT_EQ(t.mgmt.ipv4_subnet->ToString(), "192.168.5.0/24");
  const Node& bridge = t.nodes.at("ml-5_1");
  EXPECT_EQ(bridge.support, KindSupport::kBridge);
  EXPECT_FALSE(bridge.HasContainer());
  ASSERT_EQ(t.links.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(t.links[i].endpoints[0].interface, "eth1");
    EXPECT_EQ(t.links[i].endpoints[1].node, "ml-5_1");
    EXPECT_EQ(t.links[i].endpoints[1].interface, "bni5n" + std::to_string(i + 1) + "i1");
  }
  EXPECT_EQ(ContainerName(t, "h4"), "clab-ml-5-h4");
  EXPECT_TRUE(t.ForeignKindNodes().empty());
}

TEST(ClabNetlabOutput, FrrPairWithHostsAndStub) {
  Topology t = NetlabTopology("frr");
  const Node& r1 = t.nodes.at("r1");
  EXPECT_EQ(r1.kind, "linux");  // netlab runs FRR as kind linux
  EXPECT_EQ(r1.image, "labctl-frr:latest");
  EXPECT_EQ(r1.group, "");  // `group:` with no value
  EXPECT_THAT(r1.exec, ElementsAre("sleep 1"));
  EXPECT_THAT(
      BindStrings(r1),
      ElementsAre("/var/lib/labctl/labs/frr/node_files/r1/initial:/etc/config/01-initial.sh",
                  "/var/lib/labctl/labs/frr/node_files/r1/ospf:/etc/config/02-ospf.sh",
                  "/var/lib/labctl/labs/frr/node_files/r1/daemons:/etc/frr/daemons",
                  "/var/lib/labctl/labs/frr/node_files/-shared-hosts:/etc/hosts:ro"));
  ASSERT_EQ(t.links.size(), 4u);
  EXPECT_EQ(t.links[3].type, LinkType::kDummy);
  EXPECT_THAT(t.links[3].endpoints, ElementsAre(Endpoint{"r1", "eth3", ""}));
  EXPECT_EQ(DataInterfaceCount(t, "r1"), 3);
  EXPECT_EQ(DataInterfaceCount(t, "h2"), 1);
}

}  // namespace
}  // namespace labctl::clab
