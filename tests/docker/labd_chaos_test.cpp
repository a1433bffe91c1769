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
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <sstream>

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

// Kill -9 rounds of the test at scale: LABCTL_CHAOS_ROUNDS (CI: 6; docs/security.md).
int ChaosRounds() {
  if (const char* s = std::getenv("LABCTL_CHAOS_ROUNDS"); s && *s) return std::atoi(s);
  return 6;
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

// An OnDemand lab kept warm 1 s: gw on both networks, its interface on `a` impaired (a 1 ms
// delay: an NFQUEUE worker in labd where the kernel has no netem), c1 on `a`.
json ScaleLab(const std::string& name, int octet) {
  const std::string p = "10." + std::to_string(octet) + ".";
  json lab =
      testing::TwoNetLab(name, octet,
                         json::array({testing::Node("gw", {{"a", p + "1.254"}, {"b", p + "2.254"}}),
                                      testing::Node("c1", {{"a", p + "1.10"}})}),
                         "OnDemand");
  lab["spec"]["idleTimeoutSeconds"] = 1;
  lab["spec"]["nodes"][0]["interfaces"][0]["impairment"] = {{"delayMs", 1}};
  return lab;
}

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }
bool LinkExists(const std::string& name) {
  return testing::RunProgram({"ip", "link", "show", name}).exit_code == 0;
}

// Host interfaces enslaved to `bridge` (the host ends of the containers' veths).
std::vector<std::string> PortsOf(const std::string& bridge) {
  std::vector<std::string> ports;
  auto r = testing::RunProgram({"ip", "-o", "link", "show", "master", bridge});
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    // "12: vethabc@if11: <...": the name is the second field, up to '@' or ':'.
    size_t from = line.find(": ");
    if (from == std::string::npos) continue;
    from += 2;
    size_t to = line.find_first_of("@:", from);
    ports.push_back(line.substr(from, to - from));
  }
  return ports;
}

// Threads of process `pid` named nfq-* (labd's NFQUEUE workers, net/delay_queue.h).
int NfqueueWorkers(int pid) {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::ifstream in(it->path() / "comm");
    std::string comm;
    std::getline(in, comm);
    n += comm.rfind("nfq-", 0) == 0;
  }
  return n;
}

// Every host-side trace of a lab that Docker or labd makes while it runs, collected as the labs
// come and go and checked gone at the end.
struct HostTraces {
  std::set<std::string> bridges;  // br-<network id>
  std::set<std::string> veths;    // host ends on those bridges
  std::set<std::string> netns;    // containers' network namespace files (SandboxKey)
  int max_nfqueue_workers = 0;

  void AddNetwork(const std::string& id) {
    const std::string bridge = "br-" + id.substr(0, 12);
    bridges.insert(bridge);
    for (auto& port : PortsOf(bridge)) veths.insert(port);
  }
  void AddContainer(const docker::ContainerInfo& c) {
    auto raw = json::parse(c.raw_json, nullptr, false);
    if (raw.is_discarded()) return;
    std::string key = raw.value("NetworkSettings", json::object()).value("SandboxKey", "");
    if (!key.empty()) netns.insert(key);
  }
  std::vector<std::string> Left() const {
    std::vector<std::string> left;
    for (const auto& b : bridges)
      if (LinkExists(b)) left.push_back("bridge " + b);
    for (const auto& v : veths)
      if (LinkExists(v)) left.push_back("veth " + v);
    for (const auto& n : netns)
      if (Exists(n)) left.push_back("netns " + n);
    return left;
  }
};

// What each lab was doing when labd was killed ("l0=Ready/held-by-w0-s03(reset) l1=Stopped"),
// so a run's log shows which stages the kills landed in (bring-up, reset, teardown, promotion).
std::string Moment(const testing::LabdProcess& labd, const std::vector<std::string>& labs) {
  auto client = testing::LabdClient(labd);
  std::string moment;
  for (const auto& lab : labs) {
    auto l = client.Get(api::Kind::kLab, lab);
    const json status = l.ok() ? l->value("status", json::object()) : json::object();
    auto field = [&](const char* key) {
      return status.contains(key) && status[key].is_string() ? status[key].get<std::string>() : "";
    };
    const std::string held = field("heldBy"), prepared = field("preparedFor");
    moment += lab.substr(lab.rfind('-') + 1) + "=" + field("phase");
    if (!held.empty()) moment += "/held-by-" + held.substr(held.rfind("-w") + 1);
    // Held but not yet prepared for its holder: a warm lab being reset, else a bring-up.
    if (!held.empty() && held != prepared)
      moment += field("phase") == "Stopped" || field("phase") == "Provisioning" ? "(bring-up)"
                                                                                : "(reset)";
    moment += " ";
  }
  return moment;
}

// 3 OnDemand labs (kept warm 1 s) and waves of 20 Sessions over them, created at once; one slot,
// so they are served one after another in creation order. A driver releases each one as soon as
// it is Active with its Lab Ready (checking the lab's nodes are wired as declared), so labs come
// up, are reset for the next holder, are torn down after the keep-warm window and sessions are
// promoted throughout — while labd is killed -9 at random moments (LABCTL_CHAOS_ROUNDS of them;
// waves repeat until they are spent) and restarted. Afterwards: every session Released (no other
// phase than Waiting, Active, Released was ever seen: nothing Expired, Cancelled or Failed),
// served in creation order, every lab Stopped with no container, and after deleting the labs no
// container, network, host bridge, veth, network namespace or NFQUEUE worker of theirs is left.
TEST_F(LabdChaosTest, QueuedSessionsOverThreeLabsSurviveKillNineInOrderWithNothingLeaked) {
  const uint64_t seed = ChaosSeed();
  const int rounds = ChaosRounds();
  std::cout << "chaos seed: " << seed << " (replay with LABCTL_CHAOS_SEED=" << seed << "), "
            << rounds << " kill rounds" << std::endl;
  RecordProperty("chaos_seed", std::to_string(seed));
  std::mt19937_64 rng(seed);
  testing::LabdProcess labd(testing::DockerLabdOptions(testing::kSystemDockerHost, kPrefix));
  const std::string run = kPrefix + std::to_string(getpid() % 100000);
  std::vector<std::string> labs;
  for (int i = 0; i < 3; ++i) {
    json lab = ScaleLab(run + "-l" + std::to_string(i), 191 + i);
    auto created = testing::LabdClient(labd).Create(api::Kind::kLab, lab);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    labs.push_back(api::Name(lab));
  }
  const std::set<std::string> legal = {"", "Waiting", "Active", "Released"};
  std::uniform_int_distribution<size_t> pick_lab(0, labs.size() - 1);
  std::uniform_int_distribution<int> kill_delay_ms(0, 4000);
  HostTraces traces;
  int killed = 0;
  for (int wave = 0; killed < rounds || wave == 0; ++wave) {
    SCOPED_TRACE("wave " + std::to_string(wave) + ", seed " + std::to_string(seed));
    std::vector<std::string> sessions;
    for (int i = 0; i < 20; ++i) {
      char name[96];
      std::snprintf(name, sizeof name, "%s-w%d-s%02d", run.c_str(), wave, i);
      auto created = testing::LabdClient(labd).Create(api::Kind::kSession,
                                                      ScaleSession(name, labs[pick_lab(rng)]));
      ASSERT_TRUE(created.ok()) << created.status().ToString();
      sessions.push_back(name);
    }
    const std::string wave_prefix = run + "-w" + std::to_string(wave) + "-";
    std::vector<std::string> served;
    std::set<std::string> seen_phases;
    auto next_kill =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kill_delay_ms(rng));
    const auto deadline = std::chrono::steady_clock::now() + 10min;
    size_t released = 0;
    while (released < sessions.size() && std::chrono::steady_clock::now() < deadline) {
      if (killed < rounds && std::chrono::steady_clock::now() >= next_kill) {
        std::cout << "kill " << killed << ": " << Moment(labd, labs) << std::endl;
        labd.Kill9();
        labd.Start();
        ++killed;
        next_kill =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(kill_delay_ms(rng));
      }
      auto client = testing::LabdClient(labd);
      auto list = client.List(api::Kind::kSession);
      if (!list.ok()) {  // labd restarting
        std::this_thread::sleep_for(100ms);
        continue;
      }
      released = 0;
      for (const auto& s : (*list)["items"]) {
        const std::string name = api::Name(s);
        if (name.rfind(wave_prefix, 0) != 0) continue;
        const std::string phase = s["status"].value("phase", "");
        seen_phases.insert(phase);
        EXPECT_TRUE(legal.count(phase)) << name << " is " << phase << ": " << s.dump();
        released += phase == "Released";
        if (phase != "Active" || !api::IsConditionTrue(s, "LabReady")) continue;
        if (std::find(served.begin(), served.end(), name) == served.end()) {
          served.push_back(name);
          const std::string lab_name = s["spec"]["lab"].get<std::string>();
          auto lab = client.Get(api::Kind::kLab, lab_name);
          if (lab.ok()) {
            ExpectNodesWired(engine_, *lab);
            traces.max_nfqueue_workers =
                std::max(traces.max_nfqueue_workers, NfqueueWorkers(labd.pid()));
          }
          auto nets = engine_.ListNetworks(docker::LabSelector(lab_name));
          if (nets.ok())
            for (const auto& n : *nets) traces.AddNetwork(n.id);
          auto containers = engine_.ListContainers(docker::LabSelector(lab_name));
          if (containers.ok())
            for (const auto& c : *containers)
              if (auto info = engine_.InspectContainer(c.id); info.ok()) traces.AddContainer(*info);
        }
        (void)client.Post(client::ResourcePath(api::Kind::kSession, name) + "/release",
                          json::object());
      }
      std::this_thread::sleep_for(100ms);
    }
    std::cout << "wave " << wave << ": served " << served.size() << " sessions, " << killed
              << " kills so far; phases seen: " << ::testing::PrintToString(seen_phases)
              << std::endl;
    ASSERT_EQ(released, sessions.size())
        << "sessions not all released; labd log: " << labd.log_path();
    EXPECT_EQ(served, sessions) << "not served in creation order; labd log: " << labd.log_path();
  }
  auto client = testing::LabdClient(labd);
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
  // Workers end within a second of their namespace going away (net/delay_queue.h).
  auto workers_deadline = std::chrono::steady_clock::now() + 30s;
  while (NfqueueWorkers(labd.pid()) > 0 && std::chrono::steady_clock::now() < workers_deadline)
    std::this_thread::sleep_for(100ms);
  EXPECT_EQ(NfqueueWorkers(labd.pid()), 0) << "NFQUEUE workers left in labd";
  // dockerd unmounts a stopped container's namespace file lazily (its garbage collection runs
  // every 60 s), so a file counts as leaked only if it outlives that.
  auto traces_deadline = std::chrono::steady_clock::now() + 90s;
  while (!traces.Left().empty() && std::chrono::steady_clock::now() < traces_deadline)
    std::this_thread::sleep_for(1s);
  EXPECT_EQ(traces.Left(), std::vector<std::string>{});
  std::cout << "traces checked gone: " << traces.bridges.size() << " bridges, "
            << traces.veths.size() << " veths, " << traces.netns.size()
            << " netns; NFQUEUE workers seen at most " << traces.max_nfqueue_workers << std::endl;
  EXPECT_FALSE(traces.bridges.empty() || traces.veths.empty() || traces.netns.empty())
      << "the leak checks saw nothing to check";
}

}  // namespace
}  // namespace labctl
