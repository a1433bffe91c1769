// labctl get -w and labctl wait against a real labd; the conditions are set through the client
// library's status subresource, as a reconciler would.
#include <gmock/gmock.h>

#include "e2e/e2e_util.h"

namespace labctl::e2e {
namespace {

using ::testing::HasSubstr;

// Sets condition `type` on a lab with the given observedGeneration (0: the current generation).
void SetLabCondition(client::Client& c, const std::string& name, const std::string& type,
                     const std::string& status, int64_t observed_generation = 0) {
  UpdateStatus(c, api::Kind::kLab, name, [&](json& o) {
    json cond = {
        {"type", type},
        {"status", status},
        {"reason", "E2e"},
        {"message", "set by test"},
        {"lastTransitionTime", "2026-01-01T00:00:00Z"},
        {"observedGeneration", observed_generation ? observed_generation : api::Generation(o)}};
    json conditions = json::array();
    if (o.contains("status") && o["status"].is_object() && o["status"].contains("conditions"))
      for (const auto& existing : o["status"]["conditions"])
        if (existing.value("type", "") != type) conditions.push_back(existing);
    conditions.push_back(cond);
    o["status"]["conditions"] = conditions;
  });
}

TEST_F(LabctlE2eTest, GetWatchSeesChanges) {
  std::string name = UniqueName();
  ASSERT_EQ(Labctl({"apply", "-f", "-"}, LabYaml(name, "one")).exit_code, 0);
  BackgroundLabctl watch(
      url(), {"get", "lab", name, "-w", "-o", R"(jsonpath={.metadata.labels.step}{"\n"})"});
  ASSERT_TRUE(PollUntil([&] { return watch.Output() == "one\n"; })) << watch.Output();
  ASSERT_EQ(Labctl({"apply", "-f", "-"}, LabYaml(name, "two")).exit_code, 0);
  EXPECT_TRUE(PollUntil([&] { return watch.Output() == "one\ntwo\n"; })) << watch.Output();
  watch.Kill();

  // The table form: a header, the row, then a row per change.
  BackgroundLabctl table(url(), {"get", "labs", "-w", "-l", "step=two"});
  ASSERT_TRUE(PollUntil([&] { return table.Output().find(name) != std::string::npos; }));
  UpdateStatus(*client_, api::Kind::kLab, name, [](json& o) { o["status"]["phase"] = "Degraded"; });
  EXPECT_TRUE(PollUntil([&] { return table.Output().find("Degraded") != std::string::npos; }))
      << table.Output();
  EXPECT_THAT(table.Output(), HasSubstr("NAME"));

  // --watch-only prints only what changes after it started.
  BackgroundLabctl only(url(), {"get", "labs", "--watch-only", "-o", "name"});
  std::string other = UniqueName();
  // Keep creating until the watcher (which may start late) has seen one of ours.
  ASSERT_EQ(Labctl({"apply", "-f", "-"}, LabYaml(other)).exit_code, 0);
  bool seen = PollUntil([&] { return only.Output().find("lab/" + other) != std::string::npos; },
                        std::chrono::seconds(3));
  if (!seen) {
    std::string third = UniqueName();
    ASSERT_EQ(Labctl({"apply", "-f", "-"}, LabYaml(third)).exit_code, 0);
    EXPECT_TRUE(PollUntil([&] { return only.Output().find("lab/" + third) != std::string::npos; }));
  }
  EXPECT_EQ(only.Output().find("lab/" + name), std::string::npos) << only.Output();
}

TEST_F(LabctlE2eTest, WaitForConditionDrivenByWatch) {
  std::string name = UniqueName();
  ASSERT_EQ(Labctl({"apply", "-f", "-"}, LabYaml(name)).exit_code, 0);
  BackgroundLabctl wait(url(), {"wait", "lab/" + name, "--for=condition=E2eDone", "--timeout=60s"});
  EXPECT_EQ(wait.Wait(std::chrono::milliseconds(500)), -1) << wait.Output();
  SetLabCondition(*client_, name, "E2eDone", "True");
  EXPECT_EQ(wait.Wait(), 0) << wait.Output();
  EXPECT_EQ(wait.Output(), "lab/" + name + " condition met\n");

  // Case-insensitive type and status; explicit status.
  auto r = Labctl({"wait", "lab", name, "--for=condition=e2edone=TRUE", "--timeout=10s"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Labctl({"wait", "lab/" + name, "--for=condition=E2eDone=False", "--timeout=1s"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: timed out waiting for the condition on lab/" + name + "\n");
}

TEST_F(LabctlE2eTest, WaitIgnoresConditionOfOlderGeneration) {
  std::string name = UniqueName();
  ASSERT_EQ(Labctl({"apply", "-f", "-"}, LabYaml(name, "one", "labbox:v1")).exit_code, 0);
  ASSERT_EQ(Labctl({"apply", "-f", "-"}, LabYaml(name, "one", "labbox:v2")).exit_code, 0);
  int64_t generation = api::Generation(*client_->Get(api::Kind::kLab, name));
  ASSERT_GE(generation, 2);
  SetLabCondition(*client_, name, "E2eReady", "True", generation - 1);
  auto r = Labctl({"wait", "lab/" + name, "--for=condition=E2eReady", "--timeout=2s"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_THAT(r.err, HasSubstr("timed out waiting for the condition on lab/" + name));
  BackgroundLabctl wait(url(),
                        {"wait", "lab/" + name, "--for=condition=E2eReady", "--timeout=60s"});
  SetLabCondition(*client_, name, "E2eReady", "True", generation);
  EXPECT_EQ(wait.Wait(), 0) << wait.Output();
}

TEST_F(LabctlE2eTest, WaitForDelete) {
  std::string name = UniqueName();
  auto r = Labctl({"wait", "lab/" + name, "--for=delete", "--timeout=5s"});
  EXPECT_EQ(r.exit_code, 0) << r.err;  // never existed: already deleted
  ASSERT_EQ(Labctl({"apply", "-f", "-"}, LabYaml(name)).exit_code, 0);
  BackgroundLabctl wait(url(), {"wait", "lab/" + name, "--for=delete", "--timeout=60s"});
  EXPECT_EQ(wait.Wait(std::chrono::milliseconds(500)), -1) << wait.Output();
  ASSERT_EQ(Labctl({"delete", "lab", name}).exit_code, 0);
  EXPECT_EQ(wait.Wait(), 0) << wait.Output();
  EXPECT_EQ(wait.Output(), "lab/" + name + " condition met\n");
}

TEST_F(LabctlE2eTest, WaitForJsonPath) {
  std::string name = UniqueName();
  ASSERT_EQ(Labctl({"apply", "-f", "-"}, LabYaml(name, "one")).exit_code, 0);
  BackgroundLabctl wait(
      url(), {"wait", "lab/" + name, "--for=jsonpath={.status.phase}=Degraded", "--timeout=60s"});
  EXPECT_EQ(wait.Wait(std::chrono::milliseconds(300)), -1) << wait.Output();
  UpdateStatus(*client_, api::Kind::kLab, name, [](json& o) { o["status"]["phase"] = "Degraded"; });
  EXPECT_EQ(wait.Wait(), 0) << wait.Output();
  auto r = Labctl({"wait", "lab/" + name, "--for=jsonpath='{.metadata.labels.step}'=one"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(LabctlE2eTest, WaitErrors) {
  auto r = Labctl({"wait", "lab/nope-" + UniqueName(), "--for=condition=Ready", "--timeout=2s"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("not found"));
  EXPECT_EQ(Labctl({"wait", "lab/x", "--for=bogus"}).exit_code, 2);
  EXPECT_EQ(Labctl({"wait", "lab/x", "--for=delete", "--timeout=soon"}).exit_code, 2);
  EXPECT_EQ(Labctl({"wait", "lab/x"}).exit_code, 2);
}

}  // namespace
}  // namespace labctl::e2e
