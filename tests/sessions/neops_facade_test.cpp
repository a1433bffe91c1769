// The Neops facade over real HTTP: an in-process ApiServer (port 0) on a real Store with the
// SessionReconciler's controller, driven by httplib::Client the way a Neops client drives it.
// The netlab provider is not realised here: the test plays the Lab reconciler by writing the
// Lab's Ready condition and nodes.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <thread>

#include "api/file_paths.h"
#include "controller/labd/session_stack.h"
#include "controller/runtime/event_recorder.h"
#include "controller/server/api_server.h"
#include "controller/server/neops/neops_labs.h"
#include "controller/server/neops/neops_upload.h"
#include "session_test_util.h"

namespace labctl::sessiontest {
namespace {

using namespace std::chrono_literals;

constexpr char kTopology[] = "nodes:\n  r1:\n    device: frr\n";

class NeopsFacadeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    files_dir_ = store_.dir() + "/labs";
    const api::Clock& clock = api::SystemClock::Instance();
    events_ = std::make_unique<runtime::EventRecorder>(*store_, clock, "test");
    server::ServerOptions server_options;
    server_options.port = 0;
    server_ = std::make_unique<server::ApiServer>(*store_, server_options);
    server::SessionStackOptions stack;  // labd's own wiring
    stack.neops.labs.ready_timeout = 60s;
    stack.neops.labs.files_dir = files_dir_;
    sessions_ = server::SessionStack::Attach(*server_, *store_, clock, events_.get(), stack);
    ASSERT_TRUE(server_->Start().ok());
    sessions_->Start();
    server_->SetReady(true);
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (sessions_) sessions_->Stop();
  }

  // Every regular file under the facade's files dir, relative path -> content.
  std::map<std::string, std::string> FilesOnDisk() {
    std::map<std::string, std::string> out;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(files_dir_, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      std::ifstream in(it->path());
      std::stringstream content;
      content << in.rdbuf();
      out[std::filesystem::relative(it->path(), files_dir_).string()] = content.str();
    }
    return out;
  }

  httplib::Client Client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(60, 0);
    return c;
  }
  static httplib::Headers As(const std::string& id) { return {{"X-Session-ID", id}}; }
  static api::json Body(const httplib::Result& r) { return api::json::parse(r->body); }

  std::string NewSession(int64_t expected_position) {
    auto c = Client();
    auto r = c.Post("/session");
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 201);
    api::json body = Body(r);
    EXPECT_EQ(body["position"], expected_position);
    return body["session_id"];
  }

  httplib::Result UploadLab(const std::string& id, const std::string& topology_name,
                            const std::string& topology,
                            std::vector<std::pair<std::string, std::string>> extra = {},
                            const std::string& reuse = "true") {
    httplib::MultipartFormDataItems items = {{"topology", topology, topology_name, "text/yaml"},
                                             {"reuse", reuse, "", ""}};
    for (auto& [name, content] : extra) items.push_back({"extra_files", content, name, ""});
    return Client().Post("/lab", As(id), items);
  }

  // Plays the Lab reconciler: waits until a lab (other than `skip`) is held, then reports it Ready
  // with a node (or, with !ready, Failed).
  std::string MakeHeldLabReady(bool ready = true, const std::string& skip = "") {
    std::string held;
    bool found = testing::PollUntil(
        [&] {
          for (auto& lab : store_->List(api::Kind::kLab).items) {
            if (lab.value("/status/heldBy"_json_pointer, std::string()).empty()) continue;
            if (api::IsBeingDeleted(lab) || api::Name(lab) == skip) continue;
            api::SetCondition(lab["status"],
                              {"Ready", ready ? "True" : "False", ready ? "Ready" : "ImageNotFound",
                               "", api::Generation(lab)},
                              api::SystemClock::Instance().Now());
            if (!ready) lab["status"]["phase"] = "Failed";
            lab["status"]["nodes"] = {{{"name", "r1"}, {"addresses", {{"mgmt", "10.9.0.1"}}}}};
            if (store_->UpdateStatus(api::Kind::kLab, lab).ok()) {
              held = api::Name(lab);
              return true;
            }
          }
          return false;
        },
        30s);
    if (!found) ADD_FAILURE() << "no lab became held";
    return held;
  }

  std::string files_dir_;
  testing::TempStore store_{{.prefix = "neops-facade"}};  // its directory holds files_dir_
  std::unique_ptr<runtime::EventRecorder> events_;
  std::unique_ptr<server::ApiServer> server_;
  std::unique_ptr<server::SessionStack> sessions_;
};

TEST_F(NeopsFacadeTest, SessionQueueAsANeopsClientSeesIt) {
  auto c = Client();
  auto health = c.Get("/debug/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(Body(health)["status"], "ok");

  std::string a = NewSession(0);
  std::string b = NewSession(1);
  auto wait_b = c.Get("/session/" + b);
  EXPECT_EQ(Body(wait_b)["status"], "waiting");
  EXPECT_EQ(Body(wait_b)["position"], 1);
  // As Neops: the queue holds the active session too, and the timestamp is epoch seconds.
  auto health2 = Body(c.Get("/debug/health"));
  EXPECT_EQ(health2["queue_length"], 2);
  EXPECT_EQ(health2["sessions"], 2);
  EXPECT_TRUE(health2["timestamp"].is_number());

  auto mine = c.Get("/active-session", As(a));
  EXPECT_EQ(Body(mine)["session_id"], a);
  auto theirs = c.Get("/active-session");
  EXPECT_EQ(theirs->status, 200);
  EXPECT_TRUE(Body(theirs)["session_id"].is_null());  // the id is a credential

  EXPECT_EQ(c.Post("/session/heartbeat", As(b), "", "application/json")->status, 204);
  auto missing = c.Post("/session/heartbeat", "", "application/json");
  EXPECT_EQ(missing->status, 422);
  EXPECT_EQ(Body(missing)["detail"][0]["loc"], json({"header", "x-session-id"}));
  EXPECT_EQ(Body(missing)["detail"][0]["type"], "value_error.missing");
  EXPECT_EQ(c.Post("/session/heartbeat", As("nope"), "", "application/json")->status, 404);

  // Facade sessions are ordinary Sessions.
  auto selector = api::ParseSelector("labctl.dev/facade=neops");
  EXPECT_EQ(store_->List(api::Kind::kSession, *selector).items.size(), 2u);

  auto ended = c.Delete("/session/" + a);
  EXPECT_EQ(ended->status, 204);
  auto now_b = c.Get("/session/" + b);
  EXPECT_EQ(Body(now_b)["status"], "active");  // promoted at once
  EXPECT_EQ(Body(now_b)["position"], 0);
  auto gone = c.Get("/session/" + a);
  EXPECT_EQ(gone->status, 404);
  EXPECT_EQ(Body(gone)["detail"], "Session not found");
  EXPECT_EQ(c.Delete("/session/" + a)->status, 404);
}

TEST_F(NeopsFacadeTest, LabCallsNeedAnActiveSession) {
  auto c = Client();
  std::string a = NewSession(0);
  std::string b = NewSession(1);
  EXPECT_EQ(c.Get("/lab")->status, 422);
  EXPECT_EQ(c.Get("/lab", As("unknown"))->status, 404);
  auto locked = c.Get("/lab", As(b));
  EXPECT_EQ(locked->status, 423);
  EXPECT_EQ(Body(locked)["detail"], "Session is not active");
  auto idle = c.Get("/lab", As(a));
  EXPECT_EQ(idle->status, 200);
  EXPECT_EQ(Body(idle)["running"], false);
  EXPECT_EQ(c.Get("/lab/devices", As(a))->status, 404);
  EXPECT_EQ(c.Post("/lab/release", As(a), "", "application/json")->status, 404);
  EXPECT_EQ(c.Delete("/lab", As(a))->status, 204);
}

TEST_F(NeopsFacadeTest, UnknownPathsAndWrongMethodsAnswerAsFastApi) {
  auto c = Client();
  auto unknown = c.Get("/nope");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(Body(unknown), (api::json{{"detail", "Not Found"}}));
  auto wrong = c.Put("/session", "", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(Body(wrong), (api::json{{"detail", "Method Not Allowed"}}));
  EXPECT_EQ(wrong->get_header_value("Allow"), "POST");
  EXPECT_EQ(c.Post("/lab/devices", "", "application/json")->status, 405);
  auto options = c.Options("/session");  // no preflight answer on FastAPI's routes either
  ASSERT_TRUE(options);
  EXPECT_EQ(options->status, 405);
  EXPECT_EQ(Body(options), (api::json{{"detail", "Method Not Allowed"}}));
  EXPECT_EQ(options->get_header_value("Allow"), "POST");
  EXPECT_EQ(c.Patch("/session/some-id", "", "application/json")->get_header_value("Allow"),
            "GET, DELETE");
  // labd's own API keeps its Status objects.
  auto native = c.Get("/apis/labctl.dev/v1alpha1/nope");
  ASSERT_TRUE(native);
  EXPECT_EQ(native->status, 404);
  EXPECT_EQ(Body(native)["kind"], "Status");
}

TEST_F(NeopsFacadeTest, UploadNamesThatEscapeAreRefusedAndNothingIsWritten) {
  std::string a = NewSession(0);
  EXPECT_EQ(UploadLab(a, "topology.txt", kTopology)->status, 400);
  EXPECT_EQ(UploadLab(a, "../lab.yml", kTopology)->status, 400);
  EXPECT_EQ(UploadLab(a, "/tmp/lab.yml", kTopology)->status, 400);
  for (const char* bad : {"../x", "/etc/passwd", "configs/../../x", "a//b", "./x", "a\\b", ".."}) {
    // A good file beside the bad one must not be written either.
    auto r = UploadLab(a, "lab.yml", kTopology, {{"good.cfg", "ok"}, {bad, "boom"}});
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_TRUE(Body(r).contains("detail"));
  }
  EXPECT_TRUE(store_->List(api::Kind::kLab).items.empty());
  EXPECT_TRUE(FilesOnDisk().empty());
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(files_dir_).parent_path() / "x"));
}

TEST_F(NeopsFacadeTest, FullLabSequenceWithReuseAndReferenceCount) {
  auto c = Client();
  std::string a = NewSession(0);
  auto first = std::async(std::launch::async, [&] {
    return UploadLab(a, "Lab.YAML", kTopology, {{"configs/init.cfg", "hostname r1\n"}});
  });
  std::string lab = MakeHeldLabReady();
  auto up = first.get();
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 200) << up->body;
  api::json body = Body(up);
  EXPECT_EQ(body["reused"], false);
  ASSERT_EQ(body["devices"].size(), 1u);
  EXPECT_EQ(body["devices"][0]["name"], "r1");
  EXPECT_EQ(body["devices"][0]["raw"]["mgmt"]["ipv4"], "10.9.0.1");
  // A netlab lab's device is what netlab reports for the node.
  api::json netlab_lab = {
      {"status",
       {{"nodes",
         {{{"name", "r1"}, {"netlab", {{"device", "frr"}, {"raw", {{"box", "frr:1"}}}}}}}}}}};
  EXPECT_EQ(server::NeopsLabs::DevicesOf(netlab_lab)[0]["raw"], (api::json{{"box", "frr:1"}}));

  // The upload is an ordinary netlab Lab; extra files keep their relative paths.
  auto stored = store_->Get(api::Kind::kLab, lab);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ((*stored)["spec"]["provider"], "netlab");
  EXPECT_EQ((*stored)["spec"]["netlab"]["topology"], kTopology);
  api::json files = api::json::parse(
      (*stored)["metadata"]["annotations"][server::kExtraFilesAnnotation].get<std::string>());
  EXPECT_EQ(files["configs/init.cfg"], "hostname r1\n");

  // ... and are on disk under the lab's directory, with that layout, beside the topology.
  std::map<std::string, std::string> expected = {{lab + "/Lab.YAML", kTopology},
                                                 {lab + "/configs/init.cfg", "hostname r1\n"}};
  EXPECT_EQ(FilesOnDisk(), expected);

  auto again = UploadLab(a, "lab.yml", kTopology, {{"configs/init.cfg", "hostname r1\n"}});
  ASSERT_EQ(again->status, 200);
  EXPECT_EQ(Body(again)["reused"], true);
  // A topology's identity is its content alone (as Neops): re-acquiring it without the extra
  // files, or with others, gets the running lab and leaves its files as they are (a 423 here
  // would never clear, and Neops' client retries 423 forever).
  auto bare = UploadLab(a, "lab.yml", kTopology);
  ASSERT_EQ(bare->status, 200) << bare->body;
  EXPECT_EQ(Body(bare)["reused"], true);
  EXPECT_EQ(UploadLab(a, "lab.yml", kTopology, {{"configs/init.cfg", "hostname r9\n"}})->status,
            200);
  EXPECT_EQ(FilesOnDisk(), expected);
  EXPECT_EQ(UploadLab(a, "other.yml", "nodes: {r2: {}}\n")->status, 423);
  EXPECT_EQ(
      UploadLab(a, "lab.yml", kTopology, {{"configs/init.cfg", "hostname r1\n"}}, "false")->status,
      423);

  auto described = Body(c.Get("/lab", As(a)));
  EXPECT_EQ(described["running"], true);
  EXPECT_EQ(described["ref_count"], 4);
  EXPECT_EQ(described["topology"], "Lab.YAML");  // the name of the upload that created it
  auto devices = c.Get("/lab/devices", As(a));
  ASSERT_EQ(devices->status, 200);
  EXPECT_EQ(Body(devices)[0]["raw"]["mgmt"]["ipv4"], "10.9.0.1");

  auto busy = c.Delete("/lab?force=false", As(a));
  EXPECT_EQ(busy->status, 409);
  EXPECT_EQ(Body(busy)["detail"], "Lab still in use");
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(c.Post("/lab/release", As(a), "", "application/json")->status, 204);
  EXPECT_EQ(Body(c.Get("/lab", As(a)))["ref_count"], 0);  // never below 0
  EXPECT_EQ(c.Delete("/lab?force=false", As(a))->status, 202);
  EXPECT_FALSE(store_->Get(api::Kind::kLab, lab).ok());
  EXPECT_EQ(c.Delete("/lab", As(a))->status, 204);
}

// A failed bring-up (a 500) holds no reference: the session may then bring up another topology.
// (It kept its count of 1, and every other topology got 423 "Lab currently busy" for the rest of
// the session: Neops' client retries 423 without end.)
TEST_F(NeopsFacadeTest, AFailedBringUpHoldsNoReference) {
  auto c = Client();
  std::string a = NewSession(0);
  auto first = std::async(std::launch::async, [&] { return UploadLab(a, "bad.yml", kTopology); });
  std::string failed = MakeHeldLabReady(false);
  auto up = first.get();
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 500) << up->body;
  EXPECT_EQ(Body(c.Get("/lab", As(a)))["ref_count"], 0);

  // Retried, the same topology is brought up afresh (a new Lab), as Neops runs its bring-up again;
  // it is not attached to the failed one.
  std::string failed_uid = api::Uid(*store_->Get(api::Kind::kLab, failed));
  auto retry = std::async(std::launch::async, [&] { return UploadLab(a, "bad.yml", kTopology); });
  ASSERT_TRUE(testing::PollUntil(
      [&] {
        auto lab = store_->Get(api::Kind::kLab, failed);
        return lab.ok() && api::Uid(*lab) != failed_uid;
      },
      30s));
  MakeHeldLabReady(false);
  EXPECT_EQ(retry.get()->status, 500);
  EXPECT_EQ(Body(c.Get("/lab", As(a)))["ref_count"], 0);

  constexpr char kOther[] = "nodes:\n  r2:\n    device: frr\n";
  auto second = std::async(std::launch::async, [&] { return UploadLab(a, "good.yml", kOther); });
  std::string lab = MakeHeldLabReady(true, failed);
  auto again = second.get();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;
  EXPECT_NE(lab, failed);
  EXPECT_FALSE(store_->Get(api::Kind::kLab, failed).ok());
  EXPECT_EQ(Body(c.Get("/lab", As(a)))["ref_count"], 1);
}

// Pinned: facade labs are named after this hash, so it must not change between builds.
TEST(NeopsUpload, HashIsTheTopologysContentAlone) {
  // `printf 'name: t\n' | sha256sum`. As Neops: the extra files are not part of a topology's
  // identity (FullLabSequence... shows why: re-acquiring without them must reuse the running lab).
  server::NeopsUpload upload{"topo.yml", "name: t\n", {{"configs/r1.cfg", "abc"}, {"b.txt", ""}}};
  EXPECT_EQ(server::UploadHash(upload),
            "685e3538e44a17d2d786588a0a61e937567d5b69e94a56121f1f5a1b978f86df");
  upload.extra_files["b.txt"] = "x";
  upload.topology_name = "other.yml";
  EXPECT_EQ(server::UploadHash(upload),
            "685e3538e44a17d2d786588a0a61e937567d5b69e94a56121f1f5a1b978f86df");
  upload.topology += " ";
  EXPECT_NE(server::UploadHash(upload),
            "685e3538e44a17d2d786588a0a61e937567d5b69e94a56121f1f5a1b978f86df");
}

TEST(NeopsUpload, SafeRelativePaths) {
  EXPECT_TRUE(api::IsSafeRelativePath("vars.yml"));
  EXPECT_TRUE(api::IsSafeRelativePath("configs/r1/init.cfg"));
  for (const char* bad : {"", "/abs", "..", "../x", "a/../b", "a/./b", "a/", "a//b", "a\\b"})
    EXPECT_FALSE(api::IsSafeRelativePath(bad)) << bad;
}

}  // namespace
}  // namespace labctl::sessiontest
