// Provider containerlab's model (clab_model.h) and its apply-time checks (clab_validation.h):
// what a topology becomes — containers, labels, environment, the management network, links,
// host bridges, exec — and the 422s and host-access requests a Lab's topology gives. Pure: no
// engine, no files (env-files are not used here).
#include "reconcilers/providers/containerlab/clab_model.h"

#include "clab_test_util.h"
#include "reconcilers/providers/containerlab/clab_validation.h"
#include "reconcilers/providers/containerlab/naming.h"

namespace labctl::clab {
namespace {

using api::json;
using testing::CauseAt;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using testing::ClabLabObject;
using testing::kLabsDir;

constexpr const char* kLan = R"(
name: lan
mgmt:
  network: lan-mgmt
  bridge: br-lanmgmt
  ipv4-subnet: 172.29.5.0/24
  ipv4-gw: 172.29.5.254
topology:
  defaults:
    kind: linux
    image: labbox:latest
    cap-add: [NET_ADMIN]
    binds: [cfg/hosts:/etc/hosts:ro]
  nodes:
    a:
      mgmt-ipv4: 172.29.5.11
      cmd: sleep "1 2"
      env: {ROLE: left}
      labels: {team: blue}
      sysctls: {net.ipv4.ip_forward: 1}
      exec: ["ip addr add 10.0.0.1/24 dev eth1", "sh -c 'echo done'"]
    b: {}
    r1: {kind: nokia_srlinux, image: labbox:latest}
    br0: {kind: bridge}
  links:
    - endpoints: ["a:eth1", "b:eth1"]
    - endpoints: ["a:lan0", "br0:br0a"]
    - type: veth
      mtu: 1500
      endpoints: [{node: b, interface: e2}, {node: r1, interface: e1-1}]
)";

TEST(ClabModel, NodesAreContainersNamedLabelledAndAddressedAsContainerlabWould) {
  auto read = ReadClabLab(ClabLabObject("lan", kLan), kLabsDir);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const auto& m = read->model;
  EXPECT_EQ(m.name, "lan");
  EXPECT_EQ(m.uid, "u-1");
  EXPECT_EQ(m.provider, "containerlab");
  ASSERT_EQ(m.nodes.size(), 3u);  // the bridge is no container
  const auto* a = m.FindNode("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->container, "clab-lan-a");
  EXPECT_EQ(a->image, "labbox:latest");
  EXPECT_THAT(a->command, ElementsAre("sleep", "1 2"));
  EXPECT_EQ(a->labels.at("containerlab"), "lan");
  EXPECT_EQ(a->labels.at("clab-node-name"), "a");
  EXPECT_EQ(a->labels.at("clab-node-longname"), "clab-lan-a");
  EXPECT_EQ(a->labels.at("clab-topo-file"), std::string(kLabsDir) + "/lan/topology.clab.yml");
  EXPECT_EQ(a->labels.at("team"), "blue");
  EXPECT_EQ(a->env.at("ROLE"), "left");
  EXPECT_EQ(a->env.at("CLAB_INTFS"), "2");
  EXPECT_EQ(a->env.at("CLAB_LABEL_CLAB_NODE_NAME"), "a");
  EXPECT_THAT(a->cap_add, ElementsAre("NET_ADMIN"));
  EXPECT_EQ(a->sysctls.at("net.ipv4.ip_forward"), "1");
  // Relative binds resolve in the lab's files directory, where Prepare writes them.
  EXPECT_THAT(a->binds, ElementsAre(std::string(kLabsDir) + "/lan/cfg/hosts:/etc/hosts:ro"));
  ASSERT_EQ(a->interfaces.size(), 1u);
  EXPECT_EQ(a->interfaces[0].network, "mgmt");
  EXPECT_EQ(a->interfaces[0].ifname, "eth0");
  EXPECT_EQ(a->interfaces[0].ipv4, "172.29.5.11");
  // Without a static address a node gets the plan's: the lowest free one.
  EXPECT_EQ(m.FindNode("b")->interfaces[0].ipv4, "172.29.5.1");
  EXPECT_EQ(m.FindNode("r1")->container, "clab-lan-r1");
}

TEST(ClabModel, TheMgmtNetworkIsADockerNetworkLabelledForContainerlab) {
  auto read = ReadClabLab(ClabLabObject("lan", kLan), kLabsDir);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->model.networks.size(), 1u);
  const auto& n = read->model.networks[0];
  EXPECT_EQ(n.name, "mgmt");
  EXPECT_EQ(n.docker_name, "lan-mgmt");
  EXPECT_EQ(n.subnet, "172.29.5.0/24");
  EXPECT_EQ(n.gateway, "172.29.5.254");
  EXPECT_EQ(n.labels.at("containerlab"), "lan");
  EXPECT_EQ(n.options.at("com.docker.network.bridge.name"), "br-lanmgmt");
}

TEST(ClabModel, LinksKeepTheirInterfaceNamesAndMtuAndBridgeLinksGoToTheHost) {
  auto read = ReadClabLab(ClabLabObject("lan", kLan), kLabsDir);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const auto& links = read->model.links;
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].index, 0);
  EXPECT_EQ(links[0].node_a + ":" + links[0].ifname_a, "a:eth1");
  EXPECT_EQ(links[0].node_b + ":" + links[0].ifname_b, "b:eth1");
  EXPECT_EQ(links[0].mtu, 9500);
  EXPECT_TRUE(links[0].addresses_a.empty());  // exec configures addresses, as in containerlab
  EXPECT_EQ(links[1].index, 2);
  EXPECT_EQ(links[1].ifname_b, "e1-1");
  EXPECT_EQ(links[1].mtu, 1500);
  EXPECT_THAT(read->bridges, ElementsAre("br0"));
  ASSERT_EQ(read->host_links.size(), 1u);
  const HostEndLink& bl = read->host_links[0];
  EXPECT_EQ(bl.index, 1);
  EXPECT_EQ(bl.node + ":" + bl.ifname, "a:lan0");
  EXPECT_EQ(bl.attach, HostEndLink::Attach::kBridgeNode);
  EXPECT_EQ(bl.bridge + ":" + bl.host_ifname, "br0:br0a");
  EXPECT_EQ(bl.mtu, 9500);
}

// containerlab's host and mgmt-net links, in both notations: a veth whose other end is in the
// host namespace, named as written (mgmt-net: on the management bridge).
constexpr const char* kHostLinks = R"(
name: hl
topology:
  nodes:
    a: {kind: linux, image: labbox:latest}
    b: {kind: linux, image: labbox:latest}
  links:
    - endpoints: ["a:eth1", "b:eth1"]
    - endpoints: ["host:hl-a", "a:eth2"]
    - type: host
      mtu: 1500
      endpoint: {node: b, interface: eth2}
      host-interface: hl-b
    - endpoints: ["a:eth3", "mgmt-net:hl-am"]
    - type: mgmt-net
      endpoint: {node: b, interface: eth3}
      host-interface: hl-bm
)";

TEST(ClabModel, HostAndMgmtNetLinksAreVethsToTheHostNamespace) {
  auto read = ReadClabLab(ClabLabObject("hl", kHostLinks), kLabsDir);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  using Attach = HostEndLink::Attach;
  const std::string l = "topology.links";
  EXPECT_THAT(
      read->host_links,
      ElementsAre(
          HostEndLink{1, "a", "eth2", "hl-a", Attach::kNone, "", 9500, l + "[1].endpoints"},
          HostEndLink{2, "b", "eth2", "hl-b", Attach::kNone, "", 1500, l + "[2].host-interface"},
          HostEndLink{3, "a", "eth3", "hl-am", Attach::kMgmtBridge, "", 9500, l + "[3].endpoints"},
          HostEndLink{4, "b", "eth3", "hl-bm", Attach::kMgmtBridge, "", 9500,
                      l + "[4].host-interface"}));
  ASSERT_EQ(read->model.links.size(), 1u);  // only the veth between a and b
  EXPECT_TRUE(ValidateContainerlabLab(ClabLabObject("hl", kHostLinks)).ok());
  // A host link is part of its node: renaming its host end re-creates that node only.
  std::string changed = kHostLinks;
  changed.replace(changed.find("host-interface: hl-b"), 20, "host-interface: hl-c");
  auto after = ReadClabLab(ClabLabObject("hl", changed), kLabsDir);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_NE(read->model.FindNode("b")->hash, after->model.FindNode("b")->hash);
  EXPECT_EQ(read->model.FindNode("a")->hash, after->model.FindNode("a")->hash);
}

// Endpoint macs go with each end; a veth between two bridges and those with an end in an
// ext-container are the provider's to wire, not the model's; an ext-container is no node of the
// model (labd never creates it) and its container is named as the node.
constexpr const char* kExtAndMacs = R"(
name: em
mgmt: {external-access: false}
topology:
  defaults: {kind: linux, image: labbox:latest}
  nodes:
    a: {}
    b: {}
    br1: {kind: bridge}
    br2: {kind: bridge}
    outside: {kind: ext-container}
  links:
    - type: veth
      endpoints:
      - {node: a, interface: eth1, mac: "02:00:00:00:00:0a"}
      - {node: b, interface: eth1}
    - endpoints: ["br1:p12", "br2:p21"]
    - type: veth
      endpoints:
      - {node: outside, interface: eth1, mac: "02:00:00:00:00:0e"}
      - {node: a, interface: eth2}
    - type: veth
      endpoints:
      - {node: b, interface: lan0, mac: "02:00:00:00:00:0b"}
      - {node: br1, interface: br1b, mac: "02:00:00:00:00:1b"}
    - type: dummy
      endpoint: {node: b, interface: d0, mac: "02:00:00:00:00:0d"}
)";

TEST(ClabModel, MacsBridgeToBridgeAndExtContainerLinks) {
  auto read = ReadClabLab(ClabLabObject("em", kExtAndMacs), kLabsDir);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_FALSE(read->topology.mgmt.external_access);
  ASSERT_EQ(read->model.links.size(), 1u);
  EXPECT_EQ(read->model.links[0].mac_a, "02:00:00:00:00:0a");
  EXPECT_EQ(read->model.links[0].mac_b, "");
  ASSERT_EQ(read->bridge_links.size(), 1u);
  const auto& bb = read->bridge_links[0];
  EXPECT_EQ(bb.index, 1);
  EXPECT_EQ(bb.node_a + ":" + bb.ifname_a + " " + bb.node_b + ":" + bb.ifname_b, "br1:p12 br2:p21");
  EXPECT_THAT(read->ext_containers, ElementsAre("outside"));
  ASSERT_EQ(read->ext_links.size(), 1u);
  EXPECT_EQ(read->ext_links[0].node_a, "outside");
  EXPECT_EQ(read->ext_links[0].mac_a, "02:00:00:00:00:0e");
  EXPECT_EQ(read->model.FindNode("outside"), nullptr);
  EXPECT_EQ(ContainerName(read->topology, "outside"), "outside");
  ASSERT_EQ(read->host_links.size(), 1u);  // only b's port on br1
  EXPECT_EQ(read->host_links[0].mac, "02:00:00:00:00:0b");
  EXPECT_EQ(read->host_links[0].host_mac, "02:00:00:00:00:1b");
  ASSERT_EQ(read->dummy_links.size(), 1u);
  EXPECT_EQ(read->dummy_links[0].mac, "02:00:00:00:00:0d");
  // A dummy's mac is part of its node: a changed one re-creates that node only.
  std::string changed = kExtAndMacs;
  changed.replace(changed.find("00:0d"), 5, "00:0c");
  auto after = ReadClabLab(ClabLabObject("em", changed), kLabsDir);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_NE(read->model.FindNode("b")->hash, after->model.FindNode("b")->hash);
  EXPECT_EQ(read->model.FindNode("a")->hash, after->model.FindNode("a")->hash);
}

TEST(ClabValidation, HostEndsNeedAContainerAndANameFreeInTheHostNamespace) {
  auto st = ValidateContainerlabLab(ClabLabObject("x", R"(
name: x
mgmt: {bridge: x-mgmt}
topology:
  nodes:
    a: {kind: linux, image: labbox:latest}
    br0: {kind: bridge}
  links:
    - endpoints: ["host:a-host-end-too-long", "a:eth1"]
    - endpoints: ["a:eth2", "a:eth7"]
    - endpoints: ["a:eth3", "host:br0"]
    - type: mgmt-net
      endpoint: {node: a, interface: eth4}
      host-interface: x-mgmt
    - endpoints: ["a:eth5", "host:ok0"]
    - endpoints: ["a:eth6", "mgmt-net:ok0"]
)"));
  ASSERT_EQ(st.code(), api::Code::kInvalid) << st.ToString();
  const std::string t = "spec.containerlab.topology";
  EXPECT_THAT(st.causes(), CauseAt(t + "[topology.links[0].endpoints]", "1-15 characters"));
  EXPECT_THAT(st.causes(),
              CauseAt(t + "[topology.links[2].endpoints]", "already used by topology.nodes.br0"));
  EXPECT_THAT(st.causes(),
              CauseAt(t + "[topology.links[3].host-interface]", "already used by mgmt.bridge"));
  EXPECT_THAT(st.causes(),
              CauseAt(t + "[topology.links[5].endpoints]", "already used by topology.links[4]"));
  EXPECT_EQ(st.causes().size(), 4u) << st.ToString();
}

// netlab writes every stub network (a link with one node) as a dummy link.
constexpr const char* kStub = R"(
name: stub
topology:
  nodes:
    r1: {kind: linux, image: labbox:latest}
    r2: {kind: linux, image: labbox:latest}
  links:
    - endpoints: ["r1:eth1", "r2:eth1"]
    - type: dummy
      endpoint: {node: r1, interface: eth2}
    - type: dummy
      mtu: 1400
      endpoint: {node: r1, interface: stub-1}
)";

TEST(ClabModel, DummyLinksAreInterfacesOfTheirNodeWithTheLinksMtu) {
  auto read = ReadClabLab(ClabLabObject("stub", kStub), kLabsDir);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_THAT(read->dummy_links,
              ElementsAre(DummyLink{1, "r1", "eth2", 9500}, DummyLink{2, "r1", "stub-1", 1400}));
  ASSERT_EQ(read->model.links.size(), 1u);  // only the veth
  EXPECT_EQ(read->model.links[0].index, 0);
  EXPECT_TRUE(read->host_links.empty());
  EXPECT_THAT(read->model.FindNode("r1")->env,
              ::testing::Contains(std::pair<const std::string, std::string>("CLAB_INTFS", "3")));
  // A dummy link is part of its node: changing it re-creates that node only.
  std::string changed = kStub;
  changed.replace(changed.find("mtu: 1400"), 9, "mtu: 1500");
  auto after = ReadClabLab(ClabLabObject("stub", changed), kLabsDir);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_NE(read->model.FindNode("r1")->hash, after->model.FindNode("r1")->hash);
  EXPECT_EQ(read->model.FindNode("r2")->hash, after->model.FindNode("r2")->hash);
  EXPECT_TRUE(ValidateContainerlabLab(ClabLabObject("stub", kStub)).ok());
}

TEST(ClabModel, EntrypointUserAndResourceLimitsGoToTheContainer) {
  auto read = ReadClabLab(ClabLabObject("lim", R"(
name: lim
topology:
  kinds:
    linux: {memory: 1.5G, cpu: 0.5}
  nodes:
    a: {kind: linux, image: labbox:latest, entrypoint: "/bin/sh -c", user: "1000:1000",
        cpu-set: "0-1"}
    b: {kind: linux, image: labbox:latest, memory: 512Mi}
)"),
                          kLabsDir);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const docker::ContainerSpec a =
      reconcilers::ContainerSpecFor(read->model, *read->model.FindNode("a"));
  EXPECT_THAT(a.entrypoint, ElementsAre("/bin/sh", "-c"));
  EXPECT_EQ(a.user, "1000:1000");
  EXPECT_EQ(a.memory_bytes, 1'500'000'000);  // containerlab's decimal units
  EXPECT_EQ(a.nano_cpus, 500'000'000);
  EXPECT_EQ(a.cpuset_cpus, "0-1");
  const docker::ContainerSpec b =
      reconcilers::ContainerSpecFor(read->model, *read->model.FindNode("b"));
  EXPECT_TRUE(b.entrypoint.empty());
  EXPECT_TRUE(b.user.empty());
  EXPECT_EQ(b.memory_bytes, 512'000'000);  // as containerlab reads 512Mi
  EXPECT_TRUE(ValidateContainerlabLab(ClabLabObject("lim",
                                                    "name: lim\ntopology:\n  nodes:\n    a: "
                                                    "{kind: linux, image: i, user: nobody}\n"))
                  .ok());
}

TEST(ClabModel, ExecCommandsAreSplitLikeContainerlabAndOtherKindsWarn) {
  auto read = ReadClabLab(ClabLabObject("lan", kLan), kLabsDir);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->exec.at("a").size(), 2u);
  EXPECT_THAT(read->exec.at("a")[0],
              ElementsAre("ip", "addr", "add", "10.0.0.1/24", "dev", "eth1"));
  EXPECT_THAT(read->exec.at("a")[1], ElementsAre("sh", "-c", "echo done"));
  ASSERT_EQ(read->warnings.size(), 1u);
  EXPECT_THAT(read->warnings[0],
              HasSubstr("node r1: kind nokia_srlinux runs as a linux container"));
}

TEST(ClabModel, ANodeChangeChangesOnlyThatNodesHash) {
  auto before = ReadClabLab(ClabLabObject("lan", kLan), kLabsDir);
  std::string changed = kLan;
  changed.replace(changed.find("ROLE: left"), 10, "ROLE: rite");
  auto after = ReadClabLab(ClabLabObject("lan", changed), kLabsDir);
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_NE(before->model.FindNode("a")->hash, after->model.FindNode("a")->hash);
  EXPECT_EQ(before->model.FindNode("b")->hash, after->model.FindNode("b")->hash);
}

TEST(ClabModel, SplitCommandHandlesQuotesAndEscapes) {
  EXPECT_THAT(*SplitCommand("  a  'b c' \"d \\\"e\\\"\" f\\ g "),
              ElementsAre("a", "b c", "d \"e\"", "f g"));
  EXPECT_TRUE(SplitCommand("").value().empty());
  EXPECT_FALSE(SplitCommand("echo 'open").ok());
  EXPECT_FALSE(SplitCommand("echo \"open").ok());
}

TEST(ClabValidation, WhatLabctlDoesNotRealiseIsA422NamingThePathInTheTopology) {
  auto st = ValidateContainerlabLab(ClabLabObject("x", R"(
name: x
mgmt: {ipv4-subnet: 172.29.6.0/24}
topology:
  defaults: {image: labbox:latest, ports: ["80-81:80-81"]}
  kinds:
    linux: {memory: 1G}
  nodes:
    a:
      kind: linux
      entrypoint: /bin/sh
      stages:
        create: {wait-for: [{node: b, stage: exit}]}
        configure: {exec: [{command: date}]}
    b: {kind: linux}
    h: {kind: host}
    ext1: {kind: ext-container, exec: [date]}
  links:
    - type: host
      endpoint: {node: a, interface: h0, mac: "02:00:00:00:00:01"}
      host-interface: a-h0
    - endpoints: ["a:eth1", "b:eth1"]
    - endpoints: ["b:eth2", "mgmt-net:b-eth2"]
    - type: dummy
      endpoint: {node: h, interface: d0}
    - endpoints: ["h:h1", "host:h-h1"]
    - type: dummy
      endpoint: {node: ext1, interface: d1}
)"));
  ASSERT_EQ(st.code(), api::Code::kInvalid) << st.ToString();
  const auto& causes = st.causes();
  const std::string t = "spec.containerlab.topology";
  EXPECT_THAT(causes, CauseAt(t + "[topology.defaults.ports[0]]", "port ranges"));
  EXPECT_THAT(causes, CauseAt(t + "[topology.nodes.a.stages.create.wait-for]", "stage exit"));
  EXPECT_THAT(causes, CauseAt(t + "[topology.nodes.a.stages.configure.exec]", "not supported"));
  EXPECT_THAT(causes, CauseAt(t + "[topology.nodes.ext1.exec]", "ext-container"));
  EXPECT_THAT(causes, CauseAt(t + "[topology.links[3].endpoint]", "needs a node with a container"));
  EXPECT_THAT(causes, CauseAt(t + "[topology.links[4].endpoints]", "a host link needs a node"));
  EXPECT_THAT(causes, CauseAt(t + "[topology.links[5].endpoint]", "no dummy interface"));
  EXPECT_EQ(causes.size(), 7u) << st.ToString();
}

// Endpoint macs, links between bridges, ext-containers and mgmt.external-access: false are
// realised (they were refused before).
TEST(ClabValidation, MacsBridgeToBridgeLinksExtContainersAndClosedMgmtAreAccepted) {
  auto st = ValidateContainerlabLab(ClabLabObject("x", R"(
name: x
mgmt: {ipv4-subnet: 172.29.6.0/24, external-access: false}
topology:
  defaults: {kind: linux, image: labbox:latest}
  nodes:
    a: {}
    br1: {kind: bridge}
    br2: {kind: bridge}
    ext1: {kind: ext-container}
  links:
    - type: veth
      endpoints:
      - {node: a, interface: eth1, mac: "02:00:00:00:00:01"}
      - {node: ext1, interface: eth1, mac: "02:00:00:00:00:02"}
    - endpoints: ["br1:br1-br2", "br2:br2-br1"]
    - type: host
      endpoint: {node: a, interface: h0, mac: "02:00:00:00:00:03"}
      host-interface: a-h0
    - type: dummy
      endpoint: {node: a, interface: d0, mac: "02:00:00:00:00:04"}
)"));
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(ClabValidation, ParseAndResolveErrorsNameTheirPathToo) {
  auto unknown = ValidateContainerlabLab(ClabLabObject(
      "x", "name: x\ntopology:\n  nodes:\n    a: {kind: linux, image: i, colour: red}\n"));
  EXPECT_THAT(unknown.causes(),
              CauseAt("spec.containerlab.topology[topology.nodes.a.colour]", "unknown field"));
  auto link = ValidateContainerlabLab(
      ClabLabObject("x",
                    "name: x\ntopology:\n  nodes:\n    a: {kind: linux, image: "
                    "i}\n  links:\n    - endpoints: [\"a:eth1\", \"z:eth1\"]\n"));
  EXPECT_EQ(link.code(), api::Code::kInvalid);
  EXPECT_THAT(link.causes(), ::testing::Contains(::testing::Field(&api::Cause::field,
                                                                  HasSubstr("topology.links[0]"))));
  auto yaml = ValidateContainerlabLab(ClabLabObject("x", "name: [x\n"));
  EXPECT_FALSE(yaml.ok());
  EXPECT_THAT(yaml.causes(), CauseAt("spec.containerlab.topology", ""));
  json docker = ClabLabObject("x", "not even yaml: [");
  docker["spec"]["provider"] = "docker";
  EXPECT_TRUE(ValidateContainerlabLab(docker).ok());
}

TEST(ClabValidation, HostRequestsAreBindsOutsideTheLabEnvFilesAndCapabilities) {
  auto requests = ContainerlabHostRequests(ClabLabObject("h", R"(
name: h
topology:
  nodes:
    a:
      kind: linux
      image: labbox:latest
      binds: [cfg/x:/x:ro, /srv/data:/data, ../../../etc:/host-etc, /anon]
      env-files: [a.env]
      cap-add: [SYS_ADMIN]
)"));
  using K = api::HostRequest::Kind;
  std::vector<std::tuple<K, std::string, bool>> got;
  for (const auto& r : requests) got.emplace_back(r.kind, r.value, r.read_only);
  EXPECT_THAT(got, ::testing::UnorderedElementsAre(std::tuple{K::kLabFile, "cfg/x", true},
                                                   std::tuple{K::kBind, "/srv/data", false},
                                                   std::tuple{K::kBind, "/etc", false},
                                                   std::tuple{K::kLabFile, "a.env", true},
                                                   std::tuple{K::kCapability, "SYS_ADMIN", false}));
  EXPECT_EQ(requests[0].field.rfind("spec.containerlab.topology[topology.nodes.a.", 0), 0u)
      << requests[0].field;
}

}  // namespace
}  // namespace labctl::clab
