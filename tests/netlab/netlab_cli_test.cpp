// The netlab driver against the real netlab CLI: create with a multilab id, the node facts,
// failures and timeouts as data, and the checked-in netlab output still being what netlab
// writes.
#include <gmock/gmock.h>

#include "drivers/netlab/node_facts.h"
#include "netlab_env.h"
#include "reconcilers/providers/containerlab/naming.h"
#include "reconcilers/providers/containerlab/topology.h"

namespace labctl::netlab {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::NetlabTest;
using testing::ReadText;

TEST_F(NetlabTest, VersionIsReported) {
  auto version = cli_.Version();
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_THAT(*version, ::testing::MatchesRegex("[0-9]+\\.[0-9]+.*"));
}

TEST_F(NetlabTest, CreateWithMultilabIdGivesTheLabItsOwnNamesAndSubnet) {
  std::string dir = LabDir("chain", "chain");
  auto run = cli_.Create(dir, {"topology.yml", 7, {}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_TRUE(run->ok()) << run->Summary();
  EXPECT_THAT(run->argv,
              ::testing::ElementsAre(program_, "create", "-p", "clab", "--plugin", "multilab", "-s",
                                     "defaults.multilab.id=7", "-s",
                                     "defaults.netlab.create.output.json.options=nodes", "-s",
                                     "defaults.netlab.create.output.json.output=netlab.nodes.json",
                                     "topology.yml"));
  auto topo = clab::ParseTopology(ReadText(dir + "/clab.yml"), {dir + "/clab.yml", ""});
  ASSERT_TRUE(topo.ok()) << topo.status().ToString();
  EXPECT_EQ(topo->name, "ml-7");
  EXPECT_EQ(topo->mgmt.network, "nl_mgmt_7");
  EXPECT_EQ(topo->mgmt.bridge, "nl_mgmt_7");
  EXPECT_EQ(topo->mgmt.ipv4_subnet->ToString(), "192.168.7.0/24");
  EXPECT_EQ(clab::ContainerName(*topo, "a"), "clab-ml-7-a");
  EXPECT_EQ(topo->nodes.at("c").mgmt_ipv4->ToString(), "192.168.7.103");
}

TEST_F(NetlabTest, CheckedInNetlabOutputIsWhatNetlabWrites) {
  struct Case {
    const char* name;
    std::optional<int> multilab;
  };
  for (const Case& c : {Case{"chain", std::nullopt}, Case{"lan", 5}, Case{"frr", std::nullopt}}) {
    std::string dir = LabDir(c.name, c.name);
    auto run = cli_.Create(dir, {"topology.yml", c.multilab, {}});
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    ASSERT_TRUE(run->ok()) << run->Summary();
    EXPECT_EQ(ReadText(dir + "/clab.yml"),
              ReadText(std::string(LABCTL_SOURCE_DIR) + "/tests/clab/data/netlab/" + c.name +
                       "/clab.yml"))
        << c.name << ": regenerate tests/clab/data/netlab/" << c.name << "/clab.yml";
  }
}

// The node facts come from the dump `netlab create` writes, which must be what `netlab inspect`
// prints (it replaces an inspect run per lab; a netlab upgrade that changes either shows here).
TEST_F(NetlabTest, CreateDumpsTheNodesAsInspectPrintsThem) {
  std::string dir = LabDir("frr", "frr");
  auto run = cli_.Create(dir, {});
  ASSERT_TRUE(run.ok() && run->ok()) << (run.ok() ? run->Summary() : run.status().ToString());
  auto inspected = cli_.InspectJson(dir, "nodes");
  ASSERT_TRUE(inspected.ok()) << inspected.status().ToString();
  const json dump = json::parse(ReadText(dir + "/" + kNodesDumpFile), nullptr, false);
  ASSERT_TRUE(dump.is_object() && dump.size() == 4u) << dump.dump();
  EXPECT_EQ(dump, json::parse(*inspected, nullptr, false));
}

TEST_F(NetlabTest, NodeFactsShowWhatNetlabKnows) {
  std::string dir = LabDir("frr", "frr");
  auto run = cli_.Create(dir, {});
  ASSERT_TRUE(run.ok() && run->ok()) << (run.ok() ? run->Summary() : run.status().ToString());
  auto facts = ReadNodeFacts(cli_, dir);
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  ASSERT_EQ(facts->size(), 4u);
  const NodeFacts& r1 = facts->at("r1");
  EXPECT_EQ(r1.device, "frr");
  EXPECT_EQ(r1.hostname, "clab-frr-r1");
  EXPECT_EQ(r1.image, "labctl-frr:latest");
  EXPECT_EQ(r1.mgmt_ipv4, "192.168.121.101");
  EXPECT_EQ(r1.loopback_ipv4, "10.0.0.1/32");
  ASSERT_EQ(r1.interfaces.size(), 3u);
  EXPECT_EQ(r1.interfaces[0].ifname, "eth1");
  EXPECT_EQ(r1.interfaces[0].ipv4, "10.1.0.1/30");
  EXPECT_THAT(r1.interfaces[0].neighbors, ::testing::ElementsAre("r2"));
  EXPECT_EQ(r1.interfaces[2].type, "stub");
  // raw: as `netlab inspect --node r1` prints it (the Neops facade's /lab/devices).
  EXPECT_EQ(r1.raw["mgmt"]["ipv4"], "192.168.121.101");
  EXPECT_EQ(r1.raw["ansible_network_os"], "frr");
  EXPECT_EQ(r1.raw["ansible_connection"], "docker");
  EXPECT_EQ(r1.raw["ansible_host"], "clab-frr-r1");
  const NodeFacts& h1 = facts->at("h1");
  EXPECT_EQ(h1.device, "linux");
  EXPECT_EQ(h1.loopback_ipv4, "");  // hosts have none
  EXPECT_EQ(h1.raw["ansible_network_os"], "linux");
}

TEST_F(NetlabTest, FailuresAreDataWithTheirOutput) {
  std::string dir = LabDir("broken", "chain");
  testing::WriteText(dir + "/topology.yml", "nodes: [a]\nlinks: [a-ghost]\n");
  auto run = cli_.Create(dir, {});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_FALSE(run->ok());
  EXPECT_NE(run->exit_code, 0);
  EXPECT_FALSE(run->timed_out);
  EXPECT_THAT(run->Summary(), HasSubstr("netlab create: exit"));
  EXPECT_THAT(run->Summary(), HasSubstr("ghost"));
}

TEST_F(NetlabTest, InitialWithoutContainersFailsAndSaysWhere) {
  std::string dir = LabDir("chain", "chain");
  ASSERT_TRUE(cli_.Create(dir, {})->ok());
  ASSERT_THAT(MissingHostTools(), ::testing::IsEmpty())
      << "netlab needs these on PATH (it reports scripts it cannot start as successes)";
  auto run = cli_.Initial(dir);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_FALSE(run->ok());
  EXPECT_THAT(run->out + run->err, HasSubstr("clab-chain-a"));
}

TEST_F(NetlabTest, ValidateWithoutTestsFails) {
  std::string dir = LabDir("chain", "chain");
  ASSERT_TRUE(cli_.Create(dir, {})->ok());
  auto run = cli_.Validate(dir);
  ASSERT_TRUE(run.ok());
  EXPECT_FALSE(run->ok());
  EXPECT_THAT(run->out + run->err, HasSubstr("No validation tests"));
}

TEST_F(NetlabTest, MissingNetlabAndBadIdsAreErrors) {
  NetlabCli missing({scratch_ + "/no/such/netlab", std::chrono::seconds(10), scratch_});
  auto run = missing.Run(scratch_, {"version"});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), api::Code::kNotFound);
  EXPECT_EQ(missing.Version().status().code(), api::Code::kUnavailable);
  auto bad = cli_.Create(scratch_, {"topology.yml", 201, {}});
  EXPECT_EQ(bad.status().code(), api::Code::kBadRequest);
}

TEST_F(NetlabTest, TimeoutEndsTheCommand) {
  // A stand-in program that never finishes: the runner's limit ends it and says so.
  NetlabCli slow({"sleep", std::chrono::seconds(1), scratch_});
  auto run = slow.Run(scratch_, {"600"});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->timed_out);
  EXPECT_FALSE(run->ok());
  EXPECT_THAT(run->Summary(), HasSubstr("timed out"));
}

}  // namespace
}  // namespace labctl::netlab
