// Crash safety against the real labd binary and the real dockerd: kill -9 labd at random moments
// of a bring-up and of a teardown, restart it on the same data dir, and check that it converges
// (Ready with every node on every network, or gone after delete) and leaves no container or
// network behind. At scale: 3 OnDemand labs and 20 queued Sessions served one after another
// (bring-up, hand-over reset, keep-warm teardown, promotion) while labd is killed at random
// moments. The kill points come from a seeded RNG; the seed is printed, and LABCTL_CHAOS_SEED=N
// replays a run; LABCTL_CHAOS_KILLS=N sets the number of kills at scale (CI: 10).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <set>

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
  static void SetUpTestSuite() { ASSERT_TRUE(testing::BuildLabbox()); }
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

int ScaleKills() {
  if (const char* s = std::getenv("LABCTL_CHAOS_KILLS"); s && *s) return std::atoi(s);
  return 10;
}

json ScaleSession(const std::string& name, const std::string& lab) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Session"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"lab", lab},
            {"heartbeatTimeoutSeconds", 3600},
            {"queueTimeoutSeconds", 3600},
            {"ttlSecondsAfterFinished", 3600}}}};
}

// Bridges on the host whose name is Docker's for one of these networks ("br-" + 12 of the id).
std::vector<std::string> HostBridgesOf(const std::set<std::string>& network_ids) {
  std::vector<std::string> left;
  for (const auto& id : network_ids) {
    std::string bridge = "br-" + id.substr(0, 12);
    if (testing::RunProgram({"ip", "link", "show", bridge}).exit_code == 0) left.push_back(bridge);
  }
  return left;
}

// 20 Sessions over 3 OnDemand labs (kept warm 1 s) are created at once; a driver releases each
// one as soon as it is Active with its Lab Ready, so labs come up, are reset for the next holder,
// are torn down after the keep-warm window and sessions are promoted throughout — while labd is
// killed -9 at random moments and restarted. Afterwards: every session Released (a legal end
// phase), served in creation order (one slot: strict FIFO), every lab Stopped with no container,
// and after deleting the labs no container, network or host bridge of theirs is left. (labd
// names no netns and starts no NFQUEUE worker outside its own process for these labs: nothing
// else of theirs can outlive a kill on the host.)
TEST_F(LabdChaosTest, QueuedSessionsOverThreeLabsSurviveKillNineInOrderWithNothingLeaked) {
  const uint64_t seed = ChaosSeed();
  const int kills = ScaleKills();
  std::cout << "chaos seed: " << seed << " (replay with LABCTL_CHAOS_SEED=" << seed << "), "
            << kills << " kills" << std::endl;
  RecordProperty("chaos_seed", std::to_string(seed));
  std::mt19937_64 rng(seed);
  testing::LabdProcess labd(testing::DockerLabdOptions(testing::kSystemDockerHost, kPrefix));
  const std::string run = kPrefix + std::to_string(getpid() % 100000);
  std::vector<std::string> labs;
  for (int i = 0; i < 3; ++i) {
    const int octet = 191 + i;
    const std::string p = "10." + std::to_string(octet) + ".";
    json lab = testing::TwoNetLab(run + "-l" + std::to_string(i), octet,
                                  json::array({testing::Node("gw", {{"a", p + "1.254"}}),
                                               testing::Node("c1", {{"a", p + "1.10"}})}),
                                  "OnDemand");
    lab["spec"]["idleTimeoutSeconds"] = 1;
    auto created = testing::LabdClient(labd).Create(api::Kind::kLab, lab);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    labs.push_back(api::Name(lab));
  }
  std::vector<std::string> sessions;
  std::uniform_int_distribution<size_t> pick_lab(0, labs.size() - 1);
  for (int i = 0; i < 20; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "%s-s%02d", run.c_str(), i);
    auto created = testing::LabdClient(labd).Create(api::Kind::kSession,
                                                    ScaleSession(name, labs[pick_lab(rng)]));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    sessions.push_back(name);
  }

  std::set<std::string> network_ids;  // every network the labs ever had
  std::vector<std::string> served;
  std::uniform_int_distribution<int> kill_delay_ms(0, 3000);
  auto next_kill = std::chrono::steady_clock::now() + std::chrono::milliseconds(kill_delay_ms(rng));
  int killed = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10min;
  size_t released = 0;
  while (released < sessions.size() && std::chrono::steady_clock::now() < deadline) {
    if (killed < kills && std::chrono::steady_clock::now() >= next_kill) {
      labd.Kill9();
      labd.Start();
      ++killed;
      next_kill = std::chrono::steady_clock::now() + std::chrono::milliseconds(kill_delay_ms(rng));
    }
    auto nets = engine_.ListNetworks(docker::ManagedSelector());
    if (nets.ok())
      for (const auto& n : *nets)
        if (docker::LabelOf(n.labels, docker::kLabelLab).rfind(run, 0) == 0)
          network_ids.insert(n.id);
    auto client = testing::LabdClient(labd);
    auto list = client.List(api::Kind::kSession);
    if (list.ok()) released = 0;
    if (list.ok())
      for (const auto& s : (*list)["items"]) {
        const std::string name = api::Name(s);
        if (name.rfind(run, 0) != 0) continue;
        released += s["status"].value("phase", "") == "Released";
        if (s["status"].value("phase", "") != "Active") continue;
        if (!api::IsConditionTrue(s, "LabReady")) continue;
        if (served.empty() || served.back() != name) served.push_back(name);
        (void)client.Post(client::ResourcePath(api::Kind::kSession, name) + "/release",
                          json::object());
      }
    std::this_thread::sleep_for(100ms);
  }
  std::cout << "served " << served.size() << " sessions through " << killed << " kills"
            << std::endl;
  EXPECT_EQ(served, sessions) << "not served in creation order (seed " << seed
                              << "); labd log: " << labd.log_path();
  auto client = testing::LabdClient(labd);
  for (const auto& name : sessions) {  // nothing Expired, Cancelled or Failed on the way
    auto s = client.Get(api::Kind::kSession, name);
    ASSERT_TRUE(s.ok()) << name << ": " << s.status().ToString();
    EXPECT_EQ((*s)["status"].value("phase", ""), "Released") << name;
  }
  for (const auto& lab : labs)
    EXPECT_TRUE(testing::PollLab(
        labd, lab,
        [&](const api::Result<json>& l) {
          auto left = engine_.ListContainers(docker::LabSelector(lab));
          return l.ok() && (*l)["status"].value("phase", "") == "Stopped" && left.ok() &&
                 left->empty();
        },
        120s))
        << lab << " did not settle Stopped; labd log: " << labd.log_path();
  for (const auto& lab : labs) {
    ASSERT_TRUE(client.Delete(api::Kind::kLab, lab).ok());
    EXPECT_TRUE(testing::PollGone(labd, lab, 60s)) << lab;
  }
  EXPECT_EQ(testing::LeftoversOf(engine_, run), std::vector<std::string>{});
  EXPECT_EQ(HostBridgesOf(network_ids), std::vector<std::string>{});
  EXPECT_FALSE(network_ids.empty());
}

}  // namespace
}  // namespace labctl
