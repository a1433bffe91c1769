// Crash safety against the real labd binary and the real dockerd: kill -9 labd at random moments
// of a bring-up and of a teardown, restart it on the same data dir, and check that it converges
// (Ready with every node on every network, or gone after delete) and leaves no container or
// network behind. The kill points come from a seeded RNG; the seed is printed, and
// LABCTL_CHAOS_SEED=N replays a run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <random>

#include "docker/lab_fixture.h"
#include "docker/labd_docker.h"

namespace labctl {
namespace {

using api::json;
using namespace std::chrono_literals;

const std::string kPrefix =
    "dkchaos" + testing::CheckoutTag();  // every lab of this binary; swept at start
constexpr int kRounds = 10;

uint64_t ChaosSeed() {
  if (const char* s = std::getenv("LABCTL_CHAOS_SEED"); s && *s)
    return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

// gw on both networks, c1 gated on gw's readiness, c2 and c3 independent: four containers, so a
// bring-up takes a few seconds on this dockerd and a kill lands in every stage of it.
json ChaosNodes(int octet) {
  std::string p = "10." + std::to_string(octet) + ".";
  using testing::Node;
  return json::array(
      {Node("gw", {{"a", p + "1.254"}, {"b", p + "2.254"}}),
       Node("c1", {{"a", p + "1.10"}, {"b", p + "2.10"}},
            {{"dependsOn", {"gw"}},
             {"readiness", {{"exec", {"ping", "-c1", "-W1", p + "1.254"}}, {"periodSeconds", 1}}}}),
       Node("c2", {{"b", p + "2.20"}}), Node("c3", {{"a", p + "1.30"}, {"b", p + "2.30"}})});
}

// Every node runs, carries the lab's uid and is attached to exactly the networks of its spec.
void ExpectNodesWired(docker::DockerEngine& engine, const json& lab) {
  for (const auto& node : lab["spec"]["nodes"]) {
    std::string name = node["name"];
    auto c = engine.InspectContainer(docker::ContainerName(api::Name(lab), name));
    ASSERT_TRUE(c.ok()) << name << ": " << c.status().ToString();
    EXPECT_TRUE(c->running) << name;
    EXPECT_EQ(docker::LabelOf(c->labels, docker::kLabelUid), api::Uid(lab)) << name;
    std::set<std::string> want, have;
    for (const auto& f : node["interfaces"])
      want.insert(docker::NetworkName(api::Name(lab), f["network"]) + "=" +
                  f["ipv4"].get<std::string>());
    for (const auto& ep : c->endpoints) have.insert(ep.network + "=" + ep.ipv4);
    EXPECT_EQ(have, want) << name << " is not wired as its spec says";
  }
}

class LabdChaosTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = testing::RunProgram({std::string(LABCTL_SOURCE_DIR) + "/scripts/build-labbox"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  void SetUp() override { testing::SweepPrefix(engine_, kPrefix); }
  void TearDown() override { testing::SweepPrefix(engine_, kPrefix); }

  docker::HttpEngine engine_;
};

TEST_F(LabdChaosTest, KillNineDuringBringUpAndTeardownConvergesWithNothingLeaked) {
  const uint64_t seed = ChaosSeed();
  std::cout << "chaos seed: " << seed << " (replay with LABCTL_CHAOS_SEED=" << seed << ")"
            << std::endl;
  RecordProperty("chaos_seed", std::to_string(seed));
  std::mt19937_64 rng(seed);
  // Bring-up of four nodes takes ~3-4 s here, teardown ~1-2 s: kill anywhere inside them.
  std::uniform_int_distribution<int> bringup_delay_ms(0, 4000), teardown_delay_ms(0, 1500);

  testing::LabdProcess labd(testing::DockerLabdOptions(testing::kSystemDockerHost, kPrefix));
  const std::string name = kPrefix + std::to_string(getpid() % 100000) + "-lab";
  const int octet = 190;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + ", seed " + std::to_string(seed));
    auto client = testing::LabdClient(labd);
    auto created =
        client.Create(api::Kind::kLab, testing::TwoNetLab(name, octet, ChaosNodes(octet)));
    ASSERT_TRUE(created.ok()) << created.status().ToString();

    int up_kill = bringup_delay_ms(rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(up_kill));
    labd.Kill9();
    labd.Start();
    api::Result<json> last = api::Status::Internal("never read");
    bool ready = testing::PollReady(labd, name, 120s, &last);
    ASSERT_TRUE(ready) << "not Ready after kill at +" << up_kill << " ms of bring-up: "
                       << (last.ok() ? last->dump(2) : last.status().ToString())
                       << "\nlabd log: " << labd.log_path();
    ExpectNodesWired(engine_, *last);

    auto deleted = testing::LabdClient(labd).Delete(api::Kind::kLab, name);
    ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
    int down_kill = teardown_delay_ms(rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(down_kill));
    labd.Kill9();
    labd.Start();
    ASSERT_TRUE(testing::PollGone(labd, name, 60s))
        << "not gone after kill at +" << down_kill
        << " ms of teardown; labd log: " << labd.log_path();
    EXPECT_EQ(testing::LeftoversOf(engine_, kPrefix), std::vector<std::string>{})
        << "leaked after kills at +" << up_kill << " ms (bring-up), +" << down_kill
        << " ms (teardown)";
    std::cout << "round " << round << ": killed at +" << up_kill << " ms of bring-up, +"
              << down_kill << " ms of teardown: converged, nothing leaked" << std::endl;
  }
}

}  // namespace
}  // namespace labctl
