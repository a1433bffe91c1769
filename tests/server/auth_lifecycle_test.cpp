// Auth (bearer tokens, 401/403, loopback-only without tokens) and the labd process life cycle:
// the data-dir lock, and objects surviving kill -9 with their resourceVersions.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "server/server_test_util.h"
#include "tests/support/labd_process.h"

namespace labctl::servertest {
namespace {

using testing::FreePort;
using testing::LabdProcess;
using testing::MakeTempDir;
using testing::RunProgram;

const std::string kLabs = std::string(kApi) + "/labs";
const std::string kSessions = std::string(kApi) + "/sessions";

class AuthTest : public ::testing::Test, protected TokenLabd {};

TEST_F(AuthTest, RequestsWithoutValidTokenAre401) {
  Reply r = anonymous.Get(kLabs);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Json()["reason"], "Unauthorized");
  EXPECT_EQ(Api(labd.port(), "wrong").Get(kLabs).status, 401);
  EXPECT_EQ(anonymous.Get("/metrics").status, 401);
  EXPECT_EQ(alice.Get(kLabs).status, 200);
}

TEST_F(AuthTest, ProbesAndVersionNeedNoToken) {
  EXPECT_EQ(anonymous.Get("/healthz").status, 200);
  EXPECT_EQ(anonymous.Get("/readyz").status, 200);
  EXPECT_EQ(anonymous.Get("/version").status, 200);
}

TEST_F(AuthTest, ReadOnlyGroupMayReadButNotWrite) {
  EXPECT_EQ(viewer.Get(kLabs).status, 200);
  Reply r = viewer.Post(kLabs, SampleLab("v").dump());
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.Json()["reason"], "Forbidden");
}

TEST_F(AuthTest, SessionBelongsToItsCreator) {
  json created = alice.MustCreate("sessions", SampleSession("alices"));
  EXPECT_EQ(created["status"]["owner"], "alice");
  EXPECT_EQ(created["metadata"]["annotations"]["labctl.dev/owner"], "alice");

  EXPECT_EQ(bob.Post(kSessions + "/alices/heartbeat", "").status, 403);
  EXPECT_EQ(bob.Post(kSessions + "/alices/release", "").status, 403);
  EXPECT_EQ(bob.Delete(kSessions + "/alices").status, 403);
  EXPECT_EQ(bob.Patch(kSessions + "/alices", R"({"spec":{"holder":"bob"}})").status, 403);
  EXPECT_EQ(alice.Post(kSessions + "/alices/heartbeat", "").status, 200);
  EXPECT_EQ(root.Post(kSessions + "/alices/heartbeat", "").status, 200);

  // A forged owner annotation from a non-admin is overwritten with the caller.
  json forged = SampleSession("forged");
  forged["metadata"]["annotations"] = {{"labctl.dev/owner", "alice"}};
  json mine = bob.MustCreate("sessions", forged);
  EXPECT_EQ(mine["metadata"]["annotations"]["labctl.dev/owner"], "bob");
}

TEST_F(AuthTest, OnlyTheHoldingSessionsOwnerOrAdminMayExecIntoItsLab) {
  alice.MustCreate("labs", SampleLab("held"));
  json session = alice.MustCreate("sessions", SampleSession("alices-hold", "held"));
  ASSERT_TRUE(WaitHeld(root, "held", "alices-hold"));
  const std::string exec = kLabs + "/held/exec";
  const std::string body = R"({"node":"n1","command":["true"]})";
  Reply denied = bob.Post(exec, body);
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_NE(denied.body.find("alices-hold"), std::string::npos) << denied.body;
  // The owner and an admin pass the check (this labd has no Docker, so the exec itself fails).
  for (Api* allowed : {&alice, &root}) {
    Reply r = allowed->Post(exec, body);
    EXPECT_NE(r.status, 403) << r.body;
    EXPECT_NE(r.status, 0);
  }
}

TEST_F(AuthTest, StatusWritesNeedAdmin) {
  json lab = root.MustCreate("labs", SampleLab("st"));
  json status = {{"status", {{"phase", "Ready"}}}};
  EXPECT_EQ(alice.Patch(kLabs + "/st/status", status.dump()).status, 403);
  Reply r = root.Patch(kLabs + "/st/status", status.dump());
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST(LifecycleTest, SecondLabdOnTheSameDataDirExitsNamingThePid) {
  LabdProcess first;
  auto second = RunProgram({LABD_BIN, "--listen", "127.0.0.1:" + std::to_string(FreePort()),
                            "--data-dir", first.data_dir()});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.err.find(std::to_string(first.pid())), std::string::npos) << second.err;
  EXPECT_EQ(Api(first.port()).Get("/healthz").status, 200);
}

TEST(LifecycleTest, BadFlagsExit2) {
  auto result = RunProgram({LABD_BIN, "--no-such-flag"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown flag"), std::string::npos) << result.err;
}

TEST(LifecycleTest, KillNineKeepsObjectsAndResourceVersions) {
  LabdProcess labd;
  Api before(labd.port());
  for (int i = 0; i < 10; ++i) before.MustCreate("labs", SampleLab("k" + std::to_string(i)));
  ASSERT_EQ(before.Patch(kLabs + "/k3", R"({"metadata":{"labels":{"x":"y"}}})").status, 200);
  json list_before = before.Get(kLabs).Json();
  const std::string rv_before = list_before["metadata"]["resourceVersion"];

  labd.Kill9();
  labd.Start();
  Api after(labd.port());
  json list_after = after.Get(kLabs).Json();
  ASSERT_EQ(list_after["items"].size(), list_before["items"].size());
  for (size_t i = 0; i < list_before["items"].size(); ++i) {
    // Controllers may have added status since; identity and resourceVersion of the spec writes
    // must be exactly what was acknowledged, or later.
    const json& b = list_before["items"][i];
    const json& a = list_after["items"][i];
    EXPECT_EQ(a["metadata"]["name"], b["metadata"]["name"]);
    EXPECT_EQ(a["metadata"]["uid"], b["metadata"]["uid"]);
    EXPECT_EQ(a["metadata"]["generation"], b["metadata"]["generation"]);
    EXPECT_GE(std::stoull(a["metadata"]["resourceVersion"].get<std::string>()),
              std::stoull(b["metadata"]["resourceVersion"].get<std::string>()));
    EXPECT_EQ(a["spec"], b["spec"]);
  }

  // A watch resumes from the pre-crash revision and sees only later changes.
  WatchReader watch(labd.port(), kLabs + "?watch=1&resourceVersion=" + rv_before);
  after.MustCreate("labs", SampleLab("post-crash"));
  auto added = watch.WaitFor([](const json& e) {
    return e["type"] == "ADDED" && e["object"]["metadata"]["name"] == "post-crash";
  });
  ASSERT_TRUE(added.has_value()) << watch.body();
  for (const auto& e : watch.events()) {
    EXPECT_GT(std::stoull(e["object"]["metadata"]["resourceVersion"].get<std::string>()),
              std::stoull(rv_before));
  }
}

TEST(LifecycleTest, SigtermStopsCleanly) {
  LabdProcess labd;
  Api api(labd.port());
  api.MustCreate("labs", SampleLab("durable"));
  labd.Terminate();
  std::ifstream log(labd.log_path());
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("labd stopped"), std::string::npos) << text;
  labd.Start();
  EXPECT_EQ(Api(labd.port()).Get(kLabs + "/durable").status, 200);
}

}  // namespace
}  // namespace labctl::servertest
