// Raw parsing of containerlab topology files: every unknown, unsupported or mistyped field is an
// Invalid status whose cause names the field path.
#include "clab_test_util.h"
#include "reconcilers/providers/containerlab/topology_raw.h"

namespace labctl::clab {
namespace {

using testing::CauseAt;
using ::testing::HasSubstr;

// The causes of a parse that must fail.
std::vector<api::Cause> Causes(const std::string& yaml) {
  auto raw = ParseRawTopology(yaml);
  EXPECT_FALSE(raw.ok()) << "parsed: " << yaml;
  if (raw.ok()) return {};
  EXPECT_EQ(raw.status().code(), api::Code::kInvalid) << raw.status().ToString();
  return raw.status().causes();
}

TEST(ClabParse, ReadsEveryLevelAndField) {
  auto raw = ParseRawTopology(R"(
name: lab1
prefix: ""
mgmt: {network: m, ipv4-subnet: 10.9.0.0/24, bridge: br-m, mtu: 1400, external-access: false}
topology:
  defaults: {kind: linux, env: {A: 1, B: "x"}, binds: [a:/a]}
  kinds:
    linux: {image: img:1, exec: ["echo kind"]}
  groups:
    g1: {labels: {team: blue}, startup-delay: 3}
  nodes:
    r1:
      group: g1
      restart-policy: no
      memory: 1G
      cpu: 1.5
      ports: [8080:80, 53/udp]
      stages:
        create-links:
          exec: [{command: ip link, target: host, phase: on-exit}]
        create:
          wait-for: [{node: r2}]
    r2:
  links:
  - endpoints: ["r1:eth1", "r2:eth1"]
)");
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_EQ(raw->name, "lab1");
  EXPECT_EQ(raw->prefix, "");
  EXPECT_EQ(raw->mgmt.mtu, 1400);
  EXPECT_EQ(raw->mgmt.external_access, false);
  EXPECT_EQ(raw->defaults.env->at("A"), "1");  // unquoted numbers become text
  EXPECT_EQ(raw->kinds.at("linux").exec->front(), "echo kind");
  EXPECT_EQ(raw->groups.at("g1").startup_delay, 3u);
  const auto& r1 = raw->nodes.at("r1");
  EXPECT_EQ(r1.restart_policy, "no");  // the YAML boolean `no` means the policy "no"
  EXPECT_EQ(r1.memory, "1G");
  EXPECT_DOUBLE_EQ(*r1.cpu, 1.5);
  EXPECT_EQ(r1.stages->at("create-links").exec[0].target, "host");
  EXPECT_EQ(r1.stages->at("create").wait_for[0].node, "r2");
  EXPECT_TRUE(raw->nodes.count("r2"));  // a node with nothing under it
  ASSERT_EQ(raw->links.size(), 1u);
  EXPECT_EQ(raw->links[0].brief_endpoints[1], "r2:eth1");
}

TEST(ClabParse, UnknownFieldsNameTheirPath) {
  auto causes = Causes(R"(
name: x
extra: 1
mgmt: {network: m, colour: red}
topology:
  defaults: {kind: linux, foo: 1}
  kinds: {linux: {bar: 2}}
  nodes:
    r1: {image: i, foo: bar}
  links:
  - endpoints: ["r1:eth1", "r1:eth2"]
    colour: red
  widgets: 3
)");
  EXPECT_THAT(causes, CauseAt("extra", "unknown field"));
  EXPECT_THAT(causes, CauseAt("mgmt.colour", "unknown field"));
  EXPECT_THAT(causes, CauseAt("topology.defaults.foo", "unknown field"));
  EXPECT_THAT(causes, CauseAt("topology.kinds.linux.bar", "unknown field"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.r1.foo", "unknown field"));
  EXPECT_THAT(causes, CauseAt("topology.links[0].colour", "unknown field"));
  EXPECT_THAT(causes, CauseAt("topology.widgets", "unknown field"));
}

TEST(ClabParse, ContainerlabFieldsLabctlDoesNotRealiseAreNamedAsSuch) {
  auto causes = Causes(R"(
name: x
settings: {}
mgmt: {driver: macvlan}
topology:
  nodes:
    r1: {kind: nokia_srlinux, image: i, startup-config: cfg.txt, dns: {servers: [1.1.1.1]}}
)");
  EXPECT_THAT(causes, CauseAt("settings", "not supported by labctl"));
  EXPECT_THAT(causes, CauseAt("mgmt.driver", "not supported by labctl"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.r1.startup-config", "not supported by labctl"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.r1.dns", "not supported by labctl"));
}

TEST(ClabParse, UnsupportedLinkTypesAreClearErrors) {
  auto causes = Causes(R"(
name: x
topology:
  nodes: {r1: {kind: linux, image: i}}
  links:
  - type: macvlan
    endpoint: {node: r1, interface: eth1}
    host-interface: enp0s3
  - type: vxlan
    endpoint: {node: r1, interface: eth2}
  - type: teleport
)");
  EXPECT_THAT(causes, CauseAt("topology.links[0].type", "macvlan is not supported"));
  EXPECT_THAT(causes, CauseAt("topology.links[1].type", "vxlan is not supported"));
  EXPECT_THAT(causes, CauseAt("topology.links[2].type", "unknown link type"));
}

TEST(ClabParse, WrongTypesNameTheirPath) {
  auto causes = Causes(R"(
name: x
topology:
  nodes:
    r1: {kind: linux, image: [a], binds: /x:/y, env: [A], startup-delay: -1, cpu: fast}
  links:
  - type: veth
    endpoints: [{node: r1}]
)");
  EXPECT_THAT(causes, CauseAt("topology.nodes.r1.image", "must be a string"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.r1.binds", "must be an array"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.r1.env", "must be an object"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.r1.startup-delay", "between"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.r1.cpu", "must be a number"));
  EXPECT_THAT(causes, CauseAt("topology.links[0].endpoints[0].interface", "required"));
}

TEST(ClabParse, StageNamesAndPerNodeFieldsAreChecked) {
  auto causes = Causes(R"(
name: x
topology:
  defaults: {mgmt-ipv4: 10.0.0.1}
  nodes:
    r1: {kind: linux, image: i, stages: {booting: {}, create: {wait-for: [{stage: exit}]}}}
)");
  EXPECT_THAT(causes, CauseAt("topology.defaults.mgmt-ipv4", "only valid on a node"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.r1.stages.booting", "unknown stage"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.r1.stages.create.wait-for[0].node", "required"));
}

TEST(ClabParse, SyntaxErrorsAndMissingTopology) {
  auto bad = ParseRawTopology("name: [unclosed\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), api::Code::kBadRequest);
  EXPECT_THAT(Causes("name: x\n"), CauseAt("topology", "required"));
  auto two = ParseRawTopology("name: a\n---\nname: b\n");
  ASSERT_FALSE(two.ok());
  EXPECT_THAT(two.status().message(), HasSubstr("exactly one YAML document"));
}

}  // namespace
}  // namespace labctl::clab
