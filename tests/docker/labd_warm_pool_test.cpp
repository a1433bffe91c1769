// Warm pools end to end (docs/hosts.md, "Warm pools"): the real labd and labctl on the real
// dockerd. A template Lab with spec.warmPool.size 2 gets two spare Labs brought up; a Session
// for the template is handed a Ready spare (its containers are found through status.lab and
// LABCTL_LAB) and the pool refills in the background; the used spare is torn down after its
// release; labd killed with -9 while the pool grows converges to exactly the wanted spares;
// deleting the template removes every spare and its containers. One labd (and one restart) for
// all of it: labd start-ups cost CI time. The lab has no Docker networks (a link joins its two
// nodes), so its copies can share the engine (docs/hosts.md, "Subnets").
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "api/warm_pool.h"
#include "docker/labd_docker.h"

namespace labctl {
namespace {

using api::json;
using namespace std::chrono_literals;

std::string TemplateYaml(const std::string& name, int size) {
  return "apiVersion: labctl.dev/v1alpha1\n"
         "kind: Lab\n"
         "metadata: {name: " +
         name +
         "}\n"
         "spec:\n"
         "  warmPool: {size: " +
         std::to_string(size) +
         "}\n"
         "  nodes:\n"
         "    - {name: r1, image: labbox:latest, command: [sleep, infinity], capAdd: [NET_ADMIN]}\n"
         "    - {name: r2, image: labbox:latest, command: [sleep, infinity], capAdd: [NET_ADMIN]}\n"
         "  links:\n"
         "    - {endpoints: [\"r1:eth1\", \"r2:eth1\"], ipv4: [10.189.7.1/30, 10.189.7.2/30]}\n";
}

class LabdWarmPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::BuildLabbox());
    prefix_ = "wpl" + testing::CheckoutTag();
    templ_ = prefix_ + "t";
    testing::SweepPrefix(engine_, prefix_);
    labd_ = std::make_unique<testing::LabdProcess>(
        testing::DockerLabdOptions(testing::kSystemDockerHost, prefix_, "", "info"));
  }

  void TearDown() override {
    if (!labd_) return;
    auto client = testing::LabdClient(*labd_);
    auto labs = client.List(api::Kind::kLab);
    if (labs.ok()) {
      for (const auto& lab : labs->at("items"))
        (void)client.Delete(api::Kind::kLab, api::Name(lab));
      for (const auto& lab : labs->at("items"))
        (void)testing::PollGone(*labd_, api::Name(lab), 60s);
    }
    labd_.reset();
    testing::SweepPrefix(engine_, prefix_);
  }

  testing::CommandResult Labctl(const std::vector<std::string>& args) {
    return testing::RunLabctl(labd_->url(), args);
  }

  void Apply(int size) {
    const std::string file = testing::MakeTempDir("warmpool") + "/lab.yaml";
    std::ofstream(file) << TemplateYaml(templ_, size);
    auto applied = Labctl({"apply", "-f", file});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  }

  // The spares as labd lists them (label selector), not being deleted.
  std::set<std::string> Spares(bool with_deleting = false) {
    std::set<std::string> names;
    auto labs = testing::LabdClient(*labd_).List(api::Kind::kLab);
    if (!labs.ok()) return {"?"};
    for (const auto& lab : labs->at("items"))
      if (api::PoolTemplateOf(lab) == templ_ && (with_deleting || !api::IsBeingDeleted(lab)))
        names.insert(api::Name(lab));
    return names;
  }

  // The template's status.warmPool has `ready` Ready spares and `in_use` handed out, and exactly
  // ready + in_use spares exist, each of them Ready.
  bool PoolIs(int ready, int in_use) {
    auto client = testing::LabdClient(*labd_);
    auto templ = client.Get(api::Kind::kLab, templ_);
    if (!templ.ok()) return false;
    json pool = templ->value("/status/warmPool"_json_pointer, json::object());
    if (pool.value("ready", -1) != ready || pool.value("inUse", -1) != in_use) return false;
    auto spares = Spares(true);
    if (static_cast<int>(spares.size()) != ready + in_use) return false;
    for (const auto& name : spares) {
      auto lab = client.Get(api::Kind::kLab, name);
      if (!lab.ok() || !testing::IsReadyNow(*lab)) return false;
    }
    return true;
  }

  std::string Describe() { return Labctl({"describe", "lab", templ_}).out; }

  docker::HttpEngine engine_{docker::HttpEngineOptions{.docker_host = testing::kSystemDockerHost}};
  std::unique_ptr<testing::LabdProcess> labd_;
  std::string prefix_, templ_;
};

TEST_F(LabdWarmPoolTest, FillsHandsOutRefillsSurvivesKillAndCleansUp) {
  Apply(2);
  ASSERT_TRUE(testing::PollUntil([&] { return PoolIs(2, 0); }, 180s, 200ms))
      << Describe() << testing::ReadFile(labd_->log_path());
  EXPECT_NE(Describe().find("2/2 ready"), std::string::npos) << Describe();
  auto template_lab = testing::LabdClient(*labd_).Get(api::Kind::kLab, templ_);
  ASSERT_TRUE(template_lab.ok());
  EXPECT_NE(template_lab->value("/status/phase"_json_pointer, std::string()), "Ready")
      << "the template itself stays down";
  // A spare nobody holds is kept untouched (it is handed out without a reset).
  auto touched = Labctl({"exec", "lab/" + *Spares().begin(), "r1", "--", "true"});
  EXPECT_NE(touched.exit_code, 0);
  EXPECT_NE(touched.err.find("spare of the warm pool"), std::string::npos) << touched.err;

  // A session for the template is handed a Ready spare: LABCTL_LAB names it and its nodes
  // answer `labctl exec`.
  auto run = Labctl({"session", "run", "--lab", templ_, "--timeout", "60s", "--", "sh", "-c",
                     std::string("echo $LABCTL_LAB; ") + LABCTL_BINARY_DIR + "/cli/labctl" +
                         " exec lab/$LABCTL_LAB r1 -- ip -4 addr show"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const std::string first = run.out.substr(0, run.out.find('\n'));
  EXPECT_TRUE(api::IsSpareNameOf(first, templ_)) << run.out;
  EXPECT_NE(run.out.find("10.189.7.1"), std::string::npos) << run.out;
  // Released: that spare is torn down (with its containers), the pool is back at two.
  EXPECT_TRUE(testing::PollGone(*labd_, first, 60s));
  EXPECT_TRUE(testing::LeftoversOf(engine_, first + ".").empty());
  ASSERT_TRUE(testing::PollUntil([&] { return PoolIs(2, 0); }, 180s, 200ms)) << Describe();

  // Held: the session's status.lab names the spare; a replacement comes up meanwhile.
  auto acquired = Labctl({"session", "acquire", "--lab", templ_, "--timeout", "60s"});
  ASSERT_EQ(acquired.exit_code, 0) << acquired.err;
  const std::string session = acquired.out.substr(0, acquired.out.find('\n'));
  auto held = testing::LabdClient(*labd_).Get(api::Kind::kSession, session);
  ASSERT_TRUE(held.ok());
  const std::string spare = api::SessionLab(*held);
  EXPECT_TRUE(api::IsSpareNameOf(spare, templ_)) << held->dump();
  EXPECT_TRUE(api::IsConditionTrue(*held, "LabReady"));
  ASSERT_TRUE(testing::PollUntil([&] { return PoolIs(2, 1); }, 180s, 200ms)) << Describe();
  auto container = engine_.InspectContainer(docker::ContainerName(spare, "r2"));
  EXPECT_TRUE(container.ok() && container->running);

  // kill -9 while the pool grows to three, then restart: exactly three free spares, Ready.
  Apply(3);
  ASSERT_TRUE(testing::PollUntil([&] { return Spares().size() == 4; }, 30s, 20ms));
  labd_->Kill9();
  labd_->Start();
  ASSERT_TRUE(testing::PollUntil([&] { return PoolIs(3, 1); }, 180s, 200ms))
      << Describe() << testing::ReadFile(labd_->log_path());
  EXPECT_EQ(Labctl({"session", "release", session}).exit_code, 0);
  EXPECT_TRUE(testing::PollGone(*labd_, spare, 60s));

  // Deleting the template deletes its spares and everything they ran.
  auto deleted = Labctl({"delete", "lab", templ_, "--wait"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  ASSERT_TRUE(testing::PollUntil([&] { return Spares(true).empty(); }, 60s, 200ms));
  EXPECT_EQ(testing::LeftoversOf(engine_, prefix_), std::vector<std::string>{});
}

}  // namespace
}  // namespace labctl
