// The host-access policy over real HTTP against the real labd with a tokens file: what a Lab
// asks of the host (binds, privileged, capabilities) is refused with 403 naming the field unless
// the caller's token grants it — on create, PUT and merge PATCH of the native API, on the Neops
// facade's POST /lab, and for an exec into such a lab.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "server/server_test_util.h"

namespace labctl::servertest {
namespace {

const std::string kLabs = std::string(kApi) + "/labs";

// SampleLab with extra fields on its node.
json LabAsking(const std::string& name, const json& node_fields) {
  json lab = SampleLab(name);
  lab["spec"]["nodes"][0].update(node_fields);
  return lab;
}

// The fields named by a refusal's causes.
std::vector<std::string> Fields(const Reply& r) {
  std::vector<std::string> fields;
  for (const auto& c : r.Json().value("/details/causes"_json_pointer, json::array()))
    fields.push_back(c.value("field", ""));
  return fields;
}

class HostAccessTest : public ::testing::Test, protected TokenLabd {};

TEST_F(HostAccessTest, CreateRefusesWhatTheTokenIsNotGranted) {
  const json root_on_host = {{"binds", {"/:/host:rw", "/var/run/docker.sock:/docker.sock"}},
                             {"privileged", true},
                             {"capAdd", {"NET_ADMIN", "SYS_ADMIN"}}};
  for (Api* caller : {&alice, &root}) {  // admin is no grant
    Reply r = caller->Post(kLabs, LabAsking("escape", root_on_host).dump());
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.Json()["reason"], "Forbidden");
    EXPECT_EQ(Fields(r),
              (std::vector<std::string>{"spec.nodes[0].privileged", "spec.nodes[0].capAdd[1]",
                                        "spec.nodes[0].binds[0]", "spec.nodes[0].binds[1]"}));
    EXPECT_NE(r.Json()["message"].get<std::string>().find("spec.nodes[0].privileged"),
              std::string::npos);
  }
  EXPECT_EQ(root.Get(kLabs + "/escape").status, 404);

  // What the safe set covers needs no grant.
  alice.MustCreate("labs", LabAsking("plain", {{"capAdd", {"NET_ADMIN", "NET_RAW"}}}));
  // ops may bind under /srv/labs (and read-only under /etc/ssl), add SYS_ADMIN, run privileged.
  json granted = {{"binds", {"/srv/labs/l1:/data", "/etc/ssl/certs:/certs:ro"}},
                  {"privileged", true},
                  {"capAdd", {"SYS_ADMIN"}}};
  ops.MustCreate("labs", LabAsking("granted", granted));
  Reply outside = ops.Post(kLabs, LabAsking("outside", {{"binds", {"/etc:/etc"}}}).dump());
  EXPECT_EQ(outside.status, 403) << outside.body;
  EXPECT_EQ(Fields(outside), std::vector<std::string>{"spec.nodes[0].binds[0]"});
  Reply rw = ops.Post(kLabs, LabAsking("rw", {{"binds", {"/etc/ssl/certs:/certs:rw"}}}).dump());
  EXPECT_EQ(rw.status, 403) << rw.body;
}

TEST_F(HostAccessTest, PutAndMergePatchAreJudgedAsCreate) {
  alice.MustCreate("labs", SampleLab("l1"));
  Reply put = alice.Put(kLabs + "/l1", LabAsking("l1", {{"binds", {"/:/host"}}}).dump());
  EXPECT_EQ(put.status, 403) << put.body;
  EXPECT_EQ(Fields(put), std::vector<std::string>{"spec.nodes[0].binds[0]"});
  json lab = root.Get(kLabs + "/l1").Json();
  lab["spec"]["nodes"][0]["privileged"] = true;
  Reply patch = alice.Patch(kLabs + "/l1", json({{"spec", lab["spec"]}}).dump());
  EXPECT_EQ(patch.status, 403) << patch.body;
  EXPECT_EQ(Fields(patch), std::vector<std::string>{"spec.nodes[0].privileged"});
  EXPECT_EQ(root.Get(kLabs + "/l1").Json()["metadata"]["generation"], 1) << "nothing changed";
  EXPECT_EQ(ops.Patch(kLabs + "/l1", json({{"spec", lab["spec"]}}).dump()).status, 200);

  // Edits that leave a granted spec as it is need no grant; any spec change is judged whole.
  EXPECT_EQ(alice.Patch(kLabs + "/l1", R"({"metadata":{"labels":{"team":"a"}}})").status, 200);
  Reply spec_change = alice.Patch(kLabs + "/l1", R"({"spec":{"idleTimeoutSeconds":60}})");
  EXPECT_EQ(spec_change.status, 403) << spec_change.body;
  EXPECT_EQ(Fields(spec_change), std::vector<std::string>{"spec.nodes[0].privileged"});
}

TEST_F(HostAccessTest, ExecIntoALabNeedsTheGrantsItsSpecNeeds) {
  ops.MustCreate("labs", LabAsking("priv", {{"privileged", true}}));
  alice.MustCreate("sessions", SampleSession("alices", "priv"));
  ASSERT_TRUE(WaitHeld(root, "priv", "alices"));
  const std::string body = R"({"node":"client-01","command":["id"]})";
  for (Api* caller : {&alice, &root}) {
    Reply r = caller->Post(kLabs + "/priv/exec", body);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_NE(r.body.find("spec.nodes[0].privileged"), std::string::npos) << r.body;
  }
}

TEST_F(HostAccessTest, NeopsUploadOfALabManifestIsJudgedToo) {
  NeopsClient neops(labd.port(), "alice-token");
  std::string session = neops.NewSession();
  const std::string manifest =
      "apiVersion: labctl.dev/v1alpha1\n"
      "kind: Lab\n"
      "metadata: {name: x}\n"
      "spec:\n"
      "  networks: [{name: lan, subnet: 10.77.0.0/24}]\n"
      "  nodes:\n"
      "    - name: a\n"
      "      image: labbox:latest\n"
      "    - name: b\n"
      "      image: labbox:latest\n"
      "      command: [sh, -c, 'chroot /host sh']\n"
      "      binds: ['/:/host:rw']\n";
  Reply r = neops.Upload(session, manifest);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.Json().value("detail", "").find("spec.nodes[1].binds[0]"), std::string::npos)
      << r.body;
  EXPECT_TRUE(root.Get(kLabs).Json()["items"].empty()) << "nothing was created";
}

}  // namespace
}  // namespace labctl::servertest
