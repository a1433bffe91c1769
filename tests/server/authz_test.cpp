// Authorization over real HTTP against the real labd with a tokens file: the Neops facade
// authenticates like every route, facade session ids are secrets that no listing shows, a Lab
// held by a Session changes only by that Session's owner or an admin, and the route table (not a
// path suffix) decides which check a request gets.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api/sha256.h"
#include "controller/server/auth.h"
#include "controller/server/route_access.h"
#include "server/server_test_util.h"

namespace labctl::servertest {
namespace {

const std::string kLabs = std::string(kApi) + "/labs";
const std::string kSessions = std::string(kApi) + "/sessions";

class AuthzTest : public ::testing::Test, protected TokenLabd {
 protected:
  NeopsClient neops_anonymous{labd.port(), ""};
  NeopsClient neops_alice{labd.port(), "alice-token"};
  NeopsClient neops_bob{labd.port(), "bob-token"};
  NeopsClient neops_viewer{labd.port(), "view-token"};
};

TEST_F(AuthzTest, NeopsFacadeNeedsABearerToken) {
  for (const char* path : {"/session", "/lab/release", "/session/heartbeat"})
    EXPECT_EQ(neops_anonymous.Post(path).status, 401) << path;
  for (const char* path :
       {"/active-session", "/lab", "/lab/devices", "/debug/health", "/session/x"})
    EXPECT_EQ(neops_anonymous.Get(path).status, 401) << path;
  EXPECT_EQ(neops_anonymous.Delete("/lab").status, 401);
  EXPECT_EQ(neops_anonymous.Upload("x", "nodes: [a]\n").status, 401);
  EXPECT_EQ(neops_anonymous.Get("/healthz").status, 200);

  std::string id = neops_alice.NewSession();
  EXPECT_EQ(neops_anonymous.Delete("/session/" + id).status, 401);
  EXPECT_EQ(neops_alice.Get("/session/" + id).status, 200);
  // A read-only token reads the facade's health, and may not queue or touch sessions.
  EXPECT_EQ(neops_viewer.Get("/debug/health").status, 200);
  EXPECT_EQ(neops_viewer.Post("/session").status, 403);
  EXPECT_EQ(neops_viewer.Get("/session/" + id).status, 403);
}

TEST_F(AuthzTest, NeopsSessionIdsAreSecretsNoListingShows) {
  std::string id = neops_alice.NewSession();
  ASSERT_FALSE(id.empty());
  json listed = viewer.Get(kSessions).Json();
  ASSERT_EQ(listed["items"].size(), 1u);
  const json& session = listed["items"][0];
  EXPECT_EQ(viewer.Get(kSessions).body.find(id), std::string::npos) << "the id is listed";
  EXPECT_EQ(session["metadata"]["annotations"]["labctl.dev/neops-session-key-sha256"],
            api::Sha256Hex(id));
  EXPECT_EQ(session["status"]["owner"], "alice");
  // Neither the uid nor the name (both listed) is a credential.
  std::string uid = session["metadata"]["uid"], name = session["metadata"]["name"];
  EXPECT_EQ(neops_alice.Delete("/session/" + uid).status, 404);
  EXPECT_EQ(neops_alice.Delete("/session/" + name).status, 404);
  // Another caller holding the id is told nothing either; the native API refuses them too.
  EXPECT_EQ(neops_bob.Get("/session/" + id).status, 404);
  EXPECT_EQ(neops_bob.Get("/active-session", id).Json()["session_id"], nullptr);
  EXPECT_EQ(bob.Post(kSessions + "/" + name + "/release", "").status, 403);
  EXPECT_EQ(neops_alice.Get("/active-session", id).Json()["session_id"], id);
  EXPECT_EQ(neops_alice.Delete("/session/" + id).status, 204);
}

TEST_F(AuthzTest, AHeldLabChangesOnlyByItsHolderOrAdmin) {
  json lab = alice.MustCreate("labs", SampleLab("held"));
  alice.MustCreate("sessions", SampleSession("alices", "held"));
  ASSERT_TRUE(WaitHeld(root, "held", "alices"));
  const std::string path = kLabs + "/held";
  const std::string patch = R"({"spec":{"nodes":[{"name":"n","image":"evil:latest"}]}})";
  json replaced = SampleLab("held");
  replaced["spec"]["nodes"][0]["command"] = {"sh", "-c", "evil"};

  Reply r = bob.Patch(path, patch);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("held by session alices"), std::string::npos) << r.body;
  EXPECT_EQ(bob.Put(path, replaced.dump()).status, 403);
  EXPECT_EQ(bob.Delete(path).status, 403);
  EXPECT_EQ(root.Get(path).Json()["metadata"]["generation"], 1) << "nothing changed";

  EXPECT_EQ(alice.Patch(path, R"({"metadata":{"labels":{"a":"1"}}})").status, 200);
  EXPECT_EQ(root.Patch(path, R"({"metadata":{"labels":{"b":"2"}}})").status, 200);
  // Released, the lab is anybody's again.
  EXPECT_EQ(alice.Post(kSessions + "/alices/release", "").status, 200);
  ASSERT_TRUE(WaitHeld(root, "held", ""));
  EXPECT_EQ(bob.Put(path, replaced.dump()).status, 200);
}

TEST_F(AuthzTest, ALabNamedStdinIsNotReadableWithoutAToken) {
  root.MustCreate("labs", SampleLab("stdin"));
  EXPECT_EQ(anonymous.Get(kLabs + "/stdin").status, 401);
  EXPECT_EQ(anonymous.Delete(kLabs + "/stdin").status, 401);
  EXPECT_EQ(root.Get(kLabs + "/stdin").status, 200);
  // The exec stdin upload is still refused (by its handler, after reading the body).
  EXPECT_EQ(anonymous.Post(kLabs + "/stdin/exec/e1/stdin", "x").status, 401);
}

TEST(RouteAccess, DecidedByMethodAndWholePath) {
  using server::AccessOf;
  using server::RouteAccess;
  const std::vector<std::string> extra = {"/neops/healthz"};
  const std::string labs = std::string(kApi) + "/labs";
  EXPECT_EQ(AccessOf("GET", "/healthz", {}), RouteAccess::kPublic);
  EXPECT_EQ(AccessOf("GET", "/readyz", {}), RouteAccess::kPublic);
  EXPECT_EQ(AccessOf("GET", "/version", {}), RouteAccess::kPublic);
  EXPECT_EQ(AccessOf("GET", "/neops/healthz", extra), RouteAccess::kPublic);
  for (const char* path : {"/neops/healthzz", "/healthz/x", "/session", "/lab", "/metrics"})
    EXPECT_EQ(AccessOf("GET", path, extra), RouteAccess::kToken) << path;
  EXPECT_EQ(AccessOf("POST", labs + "/l1/exec/e1/stdin", {}), RouteAccess::kTokenCheckedByHandler);
  for (const std::string& path :
       {labs + "/stdin", labs + "/l1/stdin", labs + "/l1/exec/stdin", labs + "/l1/x/e1/stdin",
        labs + "//exec/e1/stdin", labs + "/l1/exec/e1/stdin/x", std::string("/x/stdin")})
    EXPECT_EQ(AccessOf("POST", path, {}), RouteAccess::kToken) << path;
  EXPECT_EQ(AccessOf("GET", labs + "/l1/exec/e1/stdin", {}), RouteAccess::kToken);
}

TEST(TokensFile, GrantsBesideGroupsOldLinesUnchanged) {
  auto auth = server::Auth::Parse(
      "a,alice\nb,bob,dev,ops\nc,carol,dev,binds=/srv/labs:/opt,caps=SYS_ADMIN,privileged=true\n"
      "d,dave,host-access=all\n");
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  auto bob = auth->Authenticate("Bearer b");
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->groups, (std::vector<std::string>{"dev", "ops"}));
  EXPECT_EQ(bob->host_access, api::HostAccessGrant());
  auto carol = auth->Authenticate("Bearer c");
  ASSERT_TRUE(carol.ok());
  EXPECT_EQ(carol->groups, std::vector<std::string>{"dev"});
  EXPECT_TRUE(carol->host_access.privileged);
  EXPECT_EQ(carol->host_access.bind_dirs, (std::vector<std::string>{"/srv/labs", "/opt"}));
  EXPECT_EQ(carol->host_access.capabilities, std::set<std::string>{"SYS_ADMIN"});
  EXPECT_EQ(auth->Authenticate("Bearer d")->host_access, api::HostAccessGrant::All());
  // Without a tokens file: anonymous, admin, every grant.
  auto anonymous = server::Auth().Authenticate("");
  ASSERT_TRUE(anonymous.ok());
  EXPECT_TRUE(anonymous->IsAdmin());
  EXPECT_EQ(anonymous->host_access, api::HostAccessGrant::All());

  auto bad = server::Auth::Parse("a,alice\nb,bob,privileged=yes\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("privileged"), std::string::npos);
  EXPECT_FALSE(server::Auth::Parse("a,alice,bind=/srv\n").ok()) << "a typo is not a group";
}

}  // namespace
}  // namespace labctl::servertest
