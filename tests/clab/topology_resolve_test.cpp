// Resolution of containerlab topologies: inheritance (defaults < kinds < groups < node) with
// containerlab's merge rules, paths, kinds, links in every notation, and the checks that name
// the field at fault.
#include "clab_test_util.h"

namespace labctl::clab {
namespace {

using testing::CauseAt;
using ::testing::ElementsAre;
using testing::MustResolve;
using testing::ResolveCauses;

constexpr const char* kInheritance = R"(
name: inherit
topology:
  defaults:
    kind: linux
    image: base:1
    env: {LEVEL: defaults, FROM_DEFAULTS: "1"}
    labels: {tier: defaults}
    binds: [/etc/a:/a:ro, shared.txt:/shared]
    exec: [echo defaults]
    cap-add: [NET_ADMIN]
    sysctls: {net.ipv4.ip_forward: 1}
    ports: ["8000:80"]
    restart-policy: always
  kinds:
    linux:
      image: kind:2
      env: {LEVEL: kind}
      binds: [kind-a.txt:/a]
      exec: [echo kind]
      cap-add: [NET_ADMIN, SYS_ADMIN]
      group: from-kind
  groups:
    spine:
      image: group:3
      env: {LEVEL: group}
      labels: {tier: group, role: spine}
      exec: [echo group]
      ports: ["9000:90"]
      startup-delay: 5
  nodes:
    s1:
      group: spine
      env: {LEVEL: node}
      binds: [node-a.txt:/a:rw]
      exec: [echo node]
      cmd: sleep infinity
    plain:
      image: own:4
    bare:
)";

TEST(ClabResolve, ScalarsTakeTheMostSpecificLevel) {
  Topology t = MustResolve(kInheritance);
  const Node& s1 = t.nodes.at("s1");
  EXPECT_EQ(s1.kind, "linux");
  EXPECT_EQ(s1.support, KindSupport::kLinux);
  EXPECT_EQ(s1.group, "spine");
  EXPECT_EQ(s1.image, "group:3");  // group beats kind beats defaults
  EXPECT_EQ(s1.cmd, "sleep infinity");
  EXPECT_EQ(s1.startup_delay, 5u);
  EXPECT_EQ(s1.restart_policy, "always");
  EXPECT_EQ(t.nodes.at("plain").image, "own:4");
  EXPECT_EQ(t.nodes.at("plain").group, "from-kind");  // no group of its own: the kind's
  EXPECT_EQ(t.nodes.at("bare").image, "kind:2");
}

TEST(ClabResolve, MapsMergeKeyByKeyAndListsConcatenate) {
  Topology t = MustResolve(kInheritance);
  const Node& s1 = t.nodes.at("s1");
  EXPECT_EQ(s1.env, (StringMap{{"LEVEL", "node"}, {"FROM_DEFAULTS", "1"}}));
  EXPECT_EQ(s1.labels, (StringMap{{"tier", "group"}, {"role", "spine"}}));
  EXPECT_EQ(s1.sysctls.at("net.ipv4.ip_forward"), "1");
  EXPECT_THAT(s1.exec, ElementsAre("echo defaults", "echo kind", "echo group", "echo node"));
  EXPECT_THAT(s1.cap_add, ElementsAre("NET_ADMIN", "SYS_ADMIN"));  // no duplicates
  EXPECT_THAT(s1.ports, ElementsAre("9000:90"));                   // whole, from the group
  EXPECT_THAT(t.nodes.at("bare").ports, ElementsAre("8000:80"));
}

TEST(ClabResolve, BindsMergeByContainerPathAndResolveAgainstTheTopologyDir) {
  Topology t = MustResolve(kInheritance);
  std::vector<std::string> binds;
  for (const auto& b : t.nodes.at("s1").binds) binds.push_back(b.ToString());
  // /a from defaults is replaced in place by the kind's, then the node's; relative paths are
  // made absolute against /labs/demo.
  EXPECT_THAT(binds, ElementsAre("/labs/demo/node-a.txt:/a:rw", "/labs/demo/shared.txt:/shared"));
  std::vector<std::string> bare;
  for (const auto& b : t.nodes.at("bare").binds) bare.push_back(b.ToString());
  EXPECT_THAT(bare, ElementsAre("/labs/demo/kind-a.txt:/a", "/labs/demo/shared.txt:/shared"));
}

TEST(ClabResolve, MagicVariablesAndRelativePaths) {
  Topology t = MustResolve(R"(
name: magic
topology:
  nodes:
    n1:
      kind: linux
      image: i
      binds: ["__clabNodeDir__/cfg:/cfg", "../up/x:/x", "./a/./b/../c:/c", "/data"]
      env-files: [env/common.env]
      exec: ["echo __clabNodeName__ in __clabDir__"]
)");
  const Node& n = t.nodes.at("n1");
  ASSERT_EQ(n.binds.size(), 4u);
  EXPECT_EQ(n.binds[0].host_path, "/labs/demo/clab-magic/n1/cfg");
  EXPECT_EQ(n.binds[1].host_path, "/labs/up/x");
  EXPECT_EQ(n.binds[2].host_path, "/labs/demo/a/c");
  EXPECT_EQ(n.binds[3].host_path, "");  // anonymous volume
  EXPECT_EQ(n.binds[3].ToString(), "/data");
  EXPECT_THAT(n.env_files, ElementsAre("/labs/demo/env/common.env"));
  EXPECT_THAT(n.exec, ElementsAre("echo n1 in /labs/demo/clab-magic"));
}

TEST(ClabResolve, KindComesFromGroupsAndDefaults) {
  Topology t = MustResolve(R"(
name: kinds
topology:
  defaults: {group: routers}
  groups:
    routers: {kind: Linux, image: frr:1}
    hosts: {kind: linux, image: host:1}
  nodes:
    r1: {}
    h1: {group: hosts}
    br: {kind: bridge}
    srl: {kind: nokia_srlinux, image: srl:1}
    ext: {kind: ext-container}
    hostns: {kind: host}
)");
  EXPECT_EQ(t.nodes.at("r1").kind, "linux");  // lower-cased, as containerlab does
  EXPECT_EQ(t.nodes.at("r1").image, "frr:1");
  EXPECT_EQ(t.nodes.at("h1").image, "host:1");
  EXPECT_EQ(t.nodes.at("br").support, KindSupport::kBridge);
  EXPECT_FALSE(t.nodes.at("br").OnMgmtNetwork());
  EXPECT_EQ(t.nodes.at("ext").support, KindSupport::kExtContainer);
  EXPECT_EQ(t.nodes.at("hostns").support, KindSupport::kHost);
  EXPECT_EQ(t.nodes.at("srl").support, KindSupport::kForeign);
  EXPECT_THAT(t.ForeignKindNodes(), ElementsAre("srl"));
}

TEST(ClabResolve, StagesMergePerStage) {
  Topology t = MustResolve(R"(
name: stages
topology:
  defaults:
    kind: linux
    image: i
    stages:
      create-links:
        exec: [{command: echo defaults}]
  nodes:
    a:
      wait-for: [b]
      stages:
        create: {wait-for: [{node: b}, {node: c, stage: healthy}]}
        create-links:
          exec: [{command: ip link, target: host, phase: on-exit}]
    b: {}
    c: {}
)");
  const Node& a = t.nodes.at("a");
  // The legacy node-level wait-for adds nothing new: {b, create} is already there.
  EXPECT_THAT(a.stages.Get("create").wait_for,
              ElementsAre(WaitFor{"b", "create"}, WaitFor{"c", "healthy"}));
  EXPECT_THAT(a.stages.Get("create-links").exec,
              ElementsAre(StageExec{"echo defaults", "container", "on-enter"},
                          StageExec{"ip link", "host", "on-exit"}));
  EXPECT_TRUE(t.nodes.at("b").stages.Get("create").wait_for.empty());
}

TEST(ClabResolve, NodeChecksNameTheirField) {
  auto causes = ResolveCauses(R"(
name: bad
topology:
  nodes:
    nokind: {image: i}
    noimage: {kind: linux}
    foreign: {kind: juniper_crpd}
    policy: {kind: linux, image: i, restart-policy: sometimes, network-mode: weird, memory: lots}
    rt: {kind: linux, image: i, runtime: podman}
    waiter: {kind: linux, image: i, stages: {create: {wait-for: [{node: ghost}, {node: waiter}]}}}
    tilde: {kind: linux, image: i, binds: ["~/x:/x"]}
)");
  EXPECT_THAT(causes, CauseAt("topology.nodes.nokind.kind", "no kind"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.noimage.image", "required"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.foreign.kind", "no image is set"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.policy.restart-policy", "must be"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.policy.network-mode", "must be"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.policy.memory", "size"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.rt.runtime", "docker"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.waiter.stages.create.wait-for", "unknown node"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.waiter.stages.create.wait-for", "itself"));
  EXPECT_THAT(causes, CauseAt("topology.nodes.tilde.binds[0]", "~"));
}

TEST(ClabResolve, DefaultsOfNameAndPrefixAndMgmt) {
  Topology t = MustResolve("name: d\ntopology: {nodes: {a: {kind: linux, image: i}}}\n");
  EXPECT_EQ(t.prefix, "clab");
  EXPECT_EQ(t.mgmt.network, "clab");
  EXPECT_EQ(t.mgmt.ipv4_subnet->ToString(), "172.20.20.0/24");
  EXPECT_EQ(t.mgmt.ipv6_subnet->NetworkString(), "3fff:172:20:20::/64");
  EXPECT_TRUE(t.mgmt.external_access);
  EXPECT_EQ(t.topology_dir, "/labs/demo");
  EXPECT_EQ(t.nodes.at("a").restart_policy, "");  // not written: labd's own repair only
  // One family given: the other gets no default.
  Topology v4 = MustResolve(
      "name: d\nmgmt: {ipv4-subnet: 10.1.0.0/24}\ntopology: {nodes: {a: {kind: linux, image: "
      "i}}}\n");
  EXPECT_FALSE(v4.mgmt.ipv6_subnet);
  // A file without a name takes the default name; without either it is invalid.
  auto named = ParseTopology("topology: {nodes: {a: {kind: linux, image: i}}}\n",
                             {testing::kTopoFile, "fromlab"});
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->name, "fromlab");
  EXPECT_THAT(ResolveCauses("topology: {nodes: {a: {kind: linux, image: i}}}\n"),
              CauseAt("name", "required"));
  EXPECT_THAT(ResolveCauses("name: d\nmgmt: {ipv4-subnet: 10.1.0.0/24, ipv4-gw: 10.2.0.1}\n"
                            "topology: {nodes: {a: {kind: linux, image: i}}}\n"),
              CauseAt("mgmt.ipv4-gw", "inside"));
}

TEST(ClabResolve, MemoryUsesContainerlabsDecimalUnits) {
  EXPECT_EQ(ParseMemoryBytes("1G"), 1000000000);
  EXPECT_EQ(ParseMemoryBytes("512M"), 512000000);
  EXPECT_EQ(ParseMemoryBytes("1.5GB"), 1500000000);
  EXPECT_EQ(ParseMemoryBytes("2Gi"), 2000000000);
  EXPECT_EQ(ParseMemoryBytes("1024"), 1024);
  EXPECT_FALSE(ParseMemoryBytes("lots"));
}

}  // namespace
}  // namespace labctl::clab
