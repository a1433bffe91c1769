// Which Docker objects a labd owns, against the real labd binary and the real dockerd: two labds
// sharing the engine leave each other's labs alone; a labd whose data directory was wiped sweeps
// what it had left behind (same path, same instance); a lab made by an older labd (old names, no
// instance label) is adopted as it runs. Every lab is named with this binary's prefix, and
// every labd is scoped to it, so nothing of other tests is touched.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "docker/lab_fixture.h"
#include "docker/labd_docker.h"
#include "docker/legacy_lab.h"

namespace labctl {
namespace {

using api::json;
using namespace std::chrono_literals;

const std::string kPrefix = "dkown" + testing::CheckoutTag();

std::string LabName(const std::string& suffix) {
  return kPrefix + std::to_string(getpid() % 100000) + "-" + suffix;
}

// labd scoped to kPrefix as `instance` ("": the name derived from its data directory).
testing::LabdProcess::Options Labd(const std::string& instance, const std::string& data_dir = "") {
  auto o = testing::DockerLabdOptions(testing::kSystemDockerHost, kPrefix, data_dir);
  auto flag = std::find(o.extra_args.begin(), o.extra_args.end(), "--instance");
  if (instance.empty())
    o.extra_args.erase(flag, flag + 2);
  else
    *(flag + 1) = instance;
  return o;
}

json OneNodeLab(const std::string& name, int octet) {
  return testing::TwoNetLab(
      name, octet,
      json::array({testing::Node("n", {{"a", "10." + std::to_string(octet) + ".1.10"}})}));
}

std::string Instance(const testing::LabdProcess& labd) {
  auto v = testing::LabdClient(labd).Request("GET", "/version");
  return v.ok() ? v->value("instance", "") : "";
}

class LabdOwnershipTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(testing::BuildLabbox()); }
  void SetUp() override { testing::SweepPrefix(engine_, kPrefix); }
  void TearDown() override { testing::SweepPrefix(engine_, kPrefix); }

  void CreateReady(const testing::LabdProcess& labd, const json& lab) {
    auto created = testing::LabdClient(labd).Create(api::Kind::kLab, lab);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ASSERT_TRUE(testing::PollReady(labd, api::Name(lab))) << "labd log: " << labd.log_path();
  }
  void DeleteGone(const testing::LabdProcess& labd, const std::string& name) {
    auto deleted = testing::LabdClient(labd).Delete(api::Kind::kLab, name);
    EXPECT_TRUE(deleted.ok()) << deleted.status().ToString();
    EXPECT_TRUE(testing::PollGone(labd, name));
  }
  // Ids of the lab's containers and networks, sorted: equal before and after means nothing of
  // it was removed or recreated.
  std::vector<std::string> Ids(const std::string& lab) {
    std::vector<std::string> ids;
    auto containers = engine_.ListContainers(docker::LabSelector(lab));
    auto networks = engine_.ListNetworks(docker::LabSelector(lab));
    if (!containers.ok() || !networks.ok()) return {"? engine not listable"};
    for (const auto& c : *containers) ids.push_back(c.name + "=" + c.id);
    for (const auto& n : *networks) ids.push_back(n.name + "=" + n.id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  // A container of `instance` for a lab that no labd holds.
  std::string Leftover(const std::string& lab, const std::string& instance) {
    docker::ContainerSpec spec;
    spec.name = docker::ContainerName(lab, "n");
    spec.image = "labbox:latest";
    spec.cmd = {"sleep", "3600"};
    spec.labels = docker::ContainerLabels(lab, "gone", "n", "h", instance);
    auto id = engine_.CreateContainer(spec);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }
  bool PollRemoved(const std::string& id, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (engine_.InspectContainer(id).status().code() == api::Code::kNotFound) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  docker::HttpEngine engine_;
};

// A second labd on the same engine (same lab-name scope, as two tests or a facade's neops-<hash>
// labs would be) used to remove the first one's lab as an orphan: at its first reconcile, and
// whenever a Docker event named that lab.
TEST_F(LabdOwnershipTest, SecondLabdLeavesTheFirstOnesLabAlone) {
  testing::LabdProcess first(Labd(testing::TestInstance(kPrefix) + "-first"));
  const std::string lab = LabName("first");
  CreateReady(first, OneNodeLab(lab, 174));
  const auto before = Ids(lab);
  ASSERT_EQ(before.size(), 3u) << ::testing::PrintToString(before);

  const std::string second_instance = testing::TestInstance(kPrefix) + "-second";
  const std::string leftover = Leftover(LabName("gone"), second_instance);
  testing::LabdProcess second(Labd(second_instance));
  // The second labd's store is empty, yet it sweeps its own leftover at start...
  EXPECT_TRUE(PollRemoved(leftover, 60s)) << "labd log: " << second.log_path();
  // ...runs a lab of its own...
  const std::string other = LabName("second");
  CreateReady(second, OneNodeLab(other, 175));
  // ...and sees the Docker events of the first one's lab drifting, repaired by the first alone.
  auto killed = testing::RunProgram({"docker", "kill", docker::ContainerName(lab, "n")});
  ASSERT_EQ(killed.exit_code, 0) << killed.err;
  EXPECT_TRUE(testing::PollLab(
      first, lab,
      [&](const api::Result<json>& l) {
        auto c = engine_.InspectContainer(docker::ContainerName(lab, "n"));
        return c.ok() && c->running && l.ok() && testing::IsReadyNow(*l);
      },
      60s));
  EXPECT_EQ(Ids(lab), before) << "the second labd removed objects of the first one's lab; "
                              << "its log: " << second.log_path();
  DeleteGone(second, other);
  DeleteGone(first, lab);
  EXPECT_EQ(testing::LeftoversOf(engine_, kPrefix), std::vector<std::string>{});
}

// labd killed, its data directory wiped and labd started again at the same path: same instance
// (derived from the path), so what the old store's labs left on the engine is swept. It used to
// sweep only at a first reconcile, which an empty store never has.
TEST_F(LabdOwnershipTest, LabdWithAWipedDataDirSweepsWhatItLeftBehind) {
  const std::string dir = testing::MakeTempDir("labd-wiped");
  std::string instance;
  {
    testing::LabdProcess labd(Labd("", dir));
    instance = Instance(labd);
    EXPECT_EQ(instance.rfind("labd-", 0), 0u) << instance;
    CreateReady(labd, OneNodeLab(LabName("wiped"), 176));
    labd.Kill9();
  }
  ASSERT_EQ(testing::LeftoversOf(engine_, kPrefix).size(), 3u);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  testing::LabdProcess labd(Labd("", dir));
  EXPECT_EQ(Instance(labd), instance);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!testing::LeftoversOf(engine_, kPrefix).empty() &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  EXPECT_EQ(testing::LeftoversOf(engine_, kPrefix), std::vector<std::string>{})
      << "labd log: " << labd.log_path();
}

// Upgrade: a lab running under the old names (labctl-<lab>-<node>, no instance label) is adopted
// by the new labd as it runs — no container recreated, no duplicate, nothing left after delete.
TEST_F(LabdOwnershipTest, LabRunningUnderTheOldNamesIsAdoptedAfterAnUpgrade) {
  const std::string dir = testing::MakeTempDir("labd-upgrade");
  const std::string name = LabName("old");
  json nodes = json::array({testing::Node("gw", {{"a", "10.177.1.254"}, {"b", "10.177.2.254"}}),
                            testing::Node("c1", {{"a", "10.177.1.10"}})});
  json lab;
  {
    testing::LabdProcess::Options api_only_options;
    api_only_options.data_dir = dir;  // no --docker-host: API only, no Lab controller
    testing::LabdProcess api_only(api_only_options);
    auto created =
        testing::LabdClient(api_only).Create(api::Kind::kLab, testing::TwoNetLab(name, 177, nodes));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    lab = *created;
  }
  auto legacy = testing::CreateLegacyLab(engine_, lab);
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString();
  const auto before = Ids(name);
  ASSERT_EQ(before.size(), 4u) << ::testing::PrintToString(before);

  testing::LabdProcess labd(Labd(testing::TestInstance(kPrefix), dir));
  ASSERT_TRUE(testing::PollReady(labd, name)) << "labd log: " << labd.log_path();
  EXPECT_EQ(Ids(name), before) << "not adopted as it ran; labd log: " << labd.log_path();
  for (const auto& [container, id] : *legacy) {
    auto c = engine_.InspectContainer(id);
    ASSERT_TRUE(c.ok()) << container << ": " << c.status().ToString();
    EXPECT_TRUE(c->running) << container;
  }
  DeleteGone(labd, name);
  EXPECT_EQ(testing::LeftoversOf(engine_, kPrefix), std::vector<std::string>{});
}

}  // namespace
}  // namespace labctl
