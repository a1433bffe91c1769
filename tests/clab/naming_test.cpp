// Names, labels and environment containerlab gives containers, and the management plan.
#include "reconcilers/providers/containerlab/naming.h"

#include "clab_test_util.h"
#include "reconcilers/providers/containerlab/mgmt_plan.h"

namespace labctl::clab {
namespace {

using testing::CauseAt;
using testing::MustResolve;
using testing::ResolveCauses;

constexpr const char* kLab = R"(
name: lab1
mgmt: {network: m1, ipv4-subnet: 10.10.0.0/24}
topology:
  defaults: {kind: linux, image: i}
  nodes:
    r1: {group: core, labels: {owner: me, containerlab: user-value}, env: {FOO: bar}}
    r2: {mgmt-ipv4: 10.10.0.2}
    r3: {network-mode: none}
    br: {kind: bridge}
  links:
  - endpoints: ["r1:eth1", "r2:eth1"]
  - endpoints: ["r1:eth2", "br:p1"]
  - type: dummy
    endpoint: {node: r1, interface: stub}
)";

TEST(ClabNaming, ContainerNamesFollowThePrefix) {
  EXPECT_EQ(ContainerName("clab", "lab1", "r1"), "clab-lab1-r1");
  EXPECT_EQ(ContainerName("", "lab1", "r1"), "r1");
  EXPECT_EQ(ContainerName("__lab-name", "lab1", "r1"), "lab1-r1");
  EXPECT_EQ(ContainerName("acme", "lab1", "r1"), "acme-lab1-r1");
  Topology t = MustResolve(std::string("prefix: \"\"\n") + kLab);
  EXPECT_EQ(ContainerName(t, "r1"), "r1");
}

TEST(ClabNaming, LabelsAreContainerlabsOnTopOfTheUsers) {
  Topology t = MustResolve(kLab);
  StringMap labels = ContainerLabels(t, t.nodes.at("r1"), {"alice", "br-1234"});
  EXPECT_EQ(labels, (StringMap{{"owner", "me"},
                               {"containerlab", "lab1"},
                               {"clab-node-name", "r1"},
                               {"clab-node-longname", "clab-lab1-r1"},
                               {"clab-node-kind", "linux"},
                               {"clab-node-type", ""},
                               {"clab-node-group", "core"},
                               {"clab-node-lab-dir", "/labs/demo/clab-lab1/r1"},
                               {"clab-topo-file", "/labs/demo/clab.yml"},
                               {"clab-owner", "alice"},
                               {"clab-mgmt-net-bridge", "br-1234"}}));
  // Off the management network: no bridge label.
  EXPECT_FALSE(
      ContainerLabels(t, t.nodes.at("r3"), {"alice", "br-1234"}).count("clab-mgmt-net-bridge"));
}

TEST(ClabNaming, EnvironmentCarriesLabelsInterfacesAndNoProxy) {
  Topology t = MustResolve(kLab);
  const Node& r1 = t.nodes.at("r1");
  StringMap labels = ContainerLabels(t, r1, {"alice", "br-1234"});
  StringMap env = ContainerEnv(t, r1, labels, {{"FOO", "from-file"}, {"FILE_ONLY", "1"}});
  EXPECT_EQ(env.at("FOO"), "bar");  // env beats env-files
  EXPECT_EQ(env.at("FILE_ONLY"), "1");
  EXPECT_EQ(env.at("CLAB_LABEL_CLAB_NODE_NAME"), "r1");
  EXPECT_EQ(env.at("CLAB_LABEL_CONTAINERLAB"), "lab1");
  EXPECT_EQ(env.at("CLAB_LABEL_CLAB_MGMT_NET_BRIDGE"), "br-1234");
  EXPECT_EQ(env.at("CLAB_INTFS"), "3");  // two veths and a dummy
  EXPECT_EQ(env.at("no_proxy"),
            "localhost,127.0.0.1,::1,*.local,10.10.0.0/24,10.10.0.2,br,r1,r2,r3");
  EXPECT_EQ(env.at("NO_PROXY"), env.at("no_proxy"));
  EXPECT_EQ(DataInterfaceCount(t, "br"), 1);
}

TEST(ClabNaming, EnvKeysAreUpperSnakeCase) {
  EXPECT_EQ(ToEnvKey("clab-node-lab-dir"), "CLAB_NODE_LAB_DIR");
  EXPECT_EQ(ToEnvKey("io.k8s/app+v1"), "IO_K8S_APP_V1");
  EXPECT_EQ(ToEnvKey("weird key!"), "WEIRDKEY");
}

TEST(ClabNaming, EnvFilesParseLikeDotenv) {
  auto env = ParseEnvFile(
      "# comment\nA=1\nexport B = two \nC='single # kept'\nD=\"line\\nnext\"\nE=bare # gone\n\n");
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  EXPECT_EQ(
      *env,
      (StringMap{
          {"A", "1"}, {"B", "two"}, {"C", "single # kept"}, {"D", "line\nnext"}, {"E", "bare"}}));
  auto bad = ParseEnvFile("A=1\nno equals here\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), ::testing::HasSubstr("line 2"));
}

TEST(ClabMgmtPlan, StaticAddressesStayAndOthersAreAllocatedInNameOrder) {
  Topology t = MustResolve(kLab);
  auto plan = PlanMgmtAddresses(t);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->ipv4_gateway->ToString(), "10.10.0.1");
  ASSERT_EQ(plan->nodes.size(), 2u);  // r3 (network-mode none) and the bridge have none
  EXPECT_EQ(plan->nodes.at("r2").ipv4->ToString(), "10.10.0.2");
  EXPECT_TRUE(plan->nodes.at("r2").ipv4_static);
  EXPECT_EQ(plan->nodes.at("r1").ipv4->ToString(), "10.10.0.3");  // .1 gateway, .2 static
  EXPECT_FALSE(plan->nodes.at("r1").ipv4_static);
  EXPECT_FALSE(plan->nodes.at("r1").ipv6);
}

TEST(ClabMgmtPlan, RangesGatewaysAndIpv6) {
  Topology t = MustResolve(R"(
name: p
mgmt:
  ipv4-subnet: 10.20.0.0/16
  ipv4-gw: 10.20.0.254
  ipv4-range: 10.20.5.0/24
  ipv6-subnet: fd00:20::/64
topology:
  defaults: {kind: linux, image: i}
  nodes: {a: {}, b: {mgmt-ipv6: "fd00:20::2"}, c: {}}
)");
  auto plan = PlanMgmtAddresses(t);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->nodes.at("a").ipv4->ToString(), "10.20.5.0");
  EXPECT_EQ(plan->nodes.at("b").ipv4->ToString(), "10.20.5.1");
  EXPECT_EQ(plan->nodes.at("a").ipv6->ToString(), "fd00:20::3");  // ::1 gateway, ::2 static
  EXPECT_EQ(plan->nodes.at("c").ipv6->ToString(), "fd00:20::4");
}

TEST(ClabMgmtPlan, BadStaticAddressesAreInvalid) {
  auto causes = ResolveCauses(R"(
name: bad
mgmt: {ipv4-subnet: 10.30.0.0/29}
topology:
  defaults: {kind: linux, image: i}
  nodes:
    out: {mgmt-ipv4: 10.31.0.2}
    gw: {mgmt-ipv4: 10.30.0.1}
    dup1: {mgmt-ipv4: 10.30.0.2}
    dup2: {mgmt-ipv4: 10.30.0.2}
    v6: {mgmt-ipv6: "fd00::2"}
)");
  EXPECT_THAT(causes, CauseAt("topology.nodes.out.mgmt-ipv4", "not a host address"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.gw.mgmt-ipv4", "gateway"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.dup2.mgmt-ipv4", "already the address of node dup1"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.v6.mgmt-ipv6", "no IPv6 subnet"));
}

TEST(ClabMgmtPlan, AFullSubnetIsInvalid) {
  auto causes = ResolveCauses(R"(
name: full
mgmt: {ipv4-subnet: 10.40.0.0/30}
topology:
  defaults: {kind: linux, image: i}
  nodes: {a: {}, b: {}}
)");
  EXPECT_THAT(causes, CauseAt("topology.nodes.b.mgmt-ipv4", "no free address"));
}

}  // namespace
}  // namespace labctl::clab
