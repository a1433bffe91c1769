// Exec with stdin against the FakeEngine, no dockerd: RunExec hands the attached session over
// and reports the exit code; labd's routes (an in-process ApiServer with bearer tokens) stream
// the output, name the exec in the first frame, feed POST .../exec/{id}/stdin to the command and
// close its stdin at the end of that body; only the exec's starter (or an admin) may send it.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "api/mux_frames.h"
#include "client/client.h"
#include "controller/server/api_server.h"
#include "drivers/docker/exec_runner.h"
#include "drivers/docker/naming.h"
#include "reconcilers/providers/docker/docker_provider.h"
#include "reconcilers/providers/docker/exec_stdin_registry.h"
#include "tests/support/fake_docker/fake_engine.h"
#include "tests/support/labd_process.h"
#include "tests/support/principal.h"
#include "tests/support/temp_store.h"

namespace labctl {
namespace {

using api::json;
using namespace std::chrono_literals;

constexpr char kLab[] = "lab1";

// What a streamed exec answered.
struct StreamedExec {
  std::string out;
  json exit;
  api::Status status;
};

class ExecStdinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeHeldLab();
    provider_ = reconcilers::MakeDockerProvider(*store_, engine_);
    server::ServerOptions server_options;
    server_options.port = 0;
    auto auth = server::Auth::Parse("tok-alice,alice\ntok-bob,bob\ntok-root,root,admin\n");
    ASSERT_TRUE(auth.ok());
    server_options.auth = *auth;
    server_ = std::make_unique<server::ApiServer>(*store_, server_options);
    server_->SetLabActions(&provider_->Actions());
    ASSERT_TRUE(server_->Start().ok());
    server_->SetReady(true);
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  // lab1, held by alice's session, with a running container for node n.
  void MakeHeldLab() {
    json session = {
        {"apiVersion", api::kApiVersion},
        {"kind", "Session"},
        {"metadata", {{"name", "s1"}, {"annotations", {{"labctl.dev/owner", "alice"}}}}},
        {"spec", json::object()}};
    ASSERT_TRUE(store_->Create(api::Kind::kSession, session).ok());
    json lab = {{"apiVersion", api::kApiVersion},
                {"kind", "Lab"},
                {"metadata", {{"name", kLab}}},
                {"spec", {{"nodes", {{{"name", "n"}, {"image", "labbox:latest"}}}}}}};
    auto created = store_->Create(api::Kind::kLab, lab);
    ASSERT_TRUE(created.ok());
    (*created)["status"] = {{"heldBy", "s1"}};
    ASSERT_TRUE(store_->UpdateStatus(api::Kind::kLab, *created).ok());
    docker::ContainerSpec c;
    c.name = docker::ContainerName(kLab, "n");
    c.image = "labbox:latest";
    c.labels = docker::ContainerLabels(kLab, api::Uid(*created), "n", "h", "labd");
    auto id = engine_.CreateContainer(c);
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(engine_.StartContainer(*id).ok());
  }

  client::Client ClientAs(const std::string& token) {
    return client::Client({"http://127.0.0.1:" + std::to_string(server_->port()), token, 10s});
  }
  std::string ExecPath() { return client::ResourcePath(api::Kind::kLab, kLab) + "/exec"; }
  std::string StdinPath(const std::string& id) { return ExecPath() + "/" + id + "/stdin"; }

  // Runs `cmd` streamed with stdin as `token`; `on_started(exec_id)` runs on its own thread.
  StreamedExec Stream(const std::string& token, const std::vector<std::string>& cmd,
                      const std::function<void(const std::string&)>& on_started) {
    StreamedExec r;
    std::thread starter;
    api::MuxDemuxer frames([&](int stream, std::string_view d) {
      if (stream == 1) r.out.append(d);
      if (stream == api::kExecStreamExit) r.exit = json::parse(d);
      if (stream == api::kExecStreamStarted)
        starter = std::thread(on_started, json::parse(d).value("execId", ""));
      return true;
    });
    auto c = ClientAs(token);
    r.status = c.StreamPost(ExecPath() + "?stream=true",
                            {{"node", "n"}, {"command", cmd}, {"stdin", true}},
                            [&](std::string_view chunk) { return frames.Feed(chunk); });
    if (starter.joinable()) starter.join();
    return r;
  }

  // Sends `pieces` as stdin frames (with a keep-alive between them), then ends the body.
  api::Status SendStdin(const std::string& token, const std::string& exec_id,
                        const std::vector<std::string>& pieces) {
    auto c = ClientAs(token);
    return c.StreamUpload(StdinPath(exec_id), api::kExecStreamContentType,
                          [&](const client::ChunkCallback& write) {
                            for (const auto& p : pieces)
                              if (!write(api::MuxFrame(api::kExecStdinData, p)) ||
                                  !write(api::MuxFrame(api::kExecStdinData, "")))
                                return false;
                            return true;
                          });
  }

  docker::FakeEngine engine_;
  testing::TempStore store_{{.prefix = "exec-stdin"}};
  std::unique_ptr<reconcilers::DockerRealisation> provider_;
  std::unique_ptr<server::ApiServer> server_;
};

TEST_F(ExecStdinTest, RunExecHandsOverStdinAndReportsTheExitCode) {
  engine_.SetAttachedExecHandler([](const std::string&, const std::vector<std::string>&,
                                    docker::FakeStdin& in, const docker::OutputCallback& out) {
    auto line = in.ReadLine();
    out(1, "got " + line.value_or("nothing"));
    return 7;
  });
  docker::ExecControl control;
  control.on_stdin = [](const std::shared_ptr<docker::ExecSession>& s) {
    EXPECT_TRUE(s->WriteStdin("hello\n").ok());
  };
  std::string out;
  auto outcome = docker::RunExec(
      engine_, docker::ContainerName(kLab, "n"), {"sh"},
      [&](int, std::string_view d) {
        out.append(d);
        return true;
      },
      control);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(outcome->exit_code, 7);
  EXPECT_EQ(out, "got hello\n");
}

TEST_F(ExecStdinTest, BufferedExecFeedsTheStdinTextThenEof) {
  auto r = provider_->Actions().Exec(
      kLab, {{"node", "n"}, {"command", {"cat"}}, {"stdin", "a\nb\n"}}, testing::User("alice"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["stdout"], "a\nb\n");
  EXPECT_EQ((*r)["exitCode"], 0);
}

TEST_F(ExecStdinTest, StreamedStdinReachesTheCommandAndItsEndIsEof) {
  std::promise<api::Status> sent;
  auto r = Stream("tok-alice", {"cat"}, [&](const std::string& id) {
    sent.set_value(SendStdin("tok-alice", id, {"hello\n", "world\n"}));
  });
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_TRUE(sent.get_future().get().ok());
  EXPECT_EQ(r.out, "hello\nworld\n");  // cat ended: its stdin was closed
  EXPECT_EQ(r.exit.value("exitCode", -1), 0) << r.exit.dump();
}

TEST_F(ExecStdinTest, OnlyTheStarterOrAnAdminMaySendStdin) {
  std::promise<std::vector<api::Status>> tried;
  auto r = Stream("tok-alice", {"cat"}, [&](const std::string& id) {
    std::vector<api::Status> st;
    st.push_back(SendStdin("tok-bob", id, {"intruder\n"}));  // lab held by alice's session
    st.push_back(SendStdin("tok-alice", "no-such-exec", {"x\n"}));
    st.push_back(SendStdin("", id, {"x\n"}));
    st.push_back(SendStdin("tok-root", id, {"admin\n"}));
    tried.set_value(st);
  });
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  auto st = tried.get_future().get();
  EXPECT_EQ(st[0].code(), api::Code::kForbidden) << st[0].ToString();
  EXPECT_EQ(st[1].code(), api::Code::kNotFound) << st[1].ToString();
  EXPECT_EQ(st[2].code(), api::Code::kUnauthorized) << st[2].ToString();
  EXPECT_TRUE(st[3].ok()) << st[3].ToString();
  EXPECT_EQ(r.out, "admin\n");
  EXPECT_EQ(r.exit.value("exitCode", -1), 0);
}

TEST(ExecStdinRegistryTest, OneClaimPerExecByItsStarterInItsLab) {
  reconcilers::ExecStdinRegistry registry;
  auto session = std::make_shared<docker::FakeExecSession>(
      "e1", "c", std::vector<std::string>{"cat"}, docker::FakeCat, [](int) {});
  registry.Add("lab1", "alice", session);
  const api::Principal alice = testing::User("alice"), bob = testing::User("bob"),
                       root = testing::User("root", {"admin"});
  EXPECT_EQ(registry.Claim("lab2", "e1", alice).status().code(), api::Code::kNotFound);
  EXPECT_EQ(registry.Claim("lab1", "e1", bob).status().code(), api::Code::kForbidden);
  auto claimed = registry.Claim("lab1", "e1", root);
  ASSERT_TRUE(claimed.ok());
  EXPECT_EQ(claimed->get(), session.get());
  EXPECT_EQ(registry.Claim("lab1", "e1", alice).status().code(), api::Code::kConflict);
  registry.Remove("e1");
  EXPECT_EQ(registry.Claim("lab1", "e1", alice).status().code(), api::Code::kNotFound);
}

}  // namespace
}  // namespace labctl
