// `labctl exec` and readiness probes against the real labd, labctl and dockerd: output streamed
// with the exit code passed through, and every way a command in a node can be abandoned — Ctrl-C
// of labctl, a dropped client, --timeout, a readiness probe over its timeoutSeconds — kills the
// process in the node (Docker itself cannot kill an exec).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "docker/lab_fixture.h"
#include "docker/labd_docker.h"

namespace labctl {
namespace {

using api::json;
using namespace std::chrono_literals;

const std::string kPrefix = "dkexec";

// A labctl started in the background with its stdout on a pipe.
struct Background {
  pid_t pid = -1;
  int out = -1;

  // Reads stdout until `marker` shows up (or EOF).
  bool WaitFor(const std::string& marker) {
    std::string seen;
    char buf[256];
    ssize_t n;
    while ((n = ::read(out, buf, sizeof buf)) > 0) {
      seen.append(buf, static_cast<size_t>(n));
      if (seen.find(marker) != std::string::npos) return true;
    }
    return false;
  }
  int Wait() {
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(out);
    return status;
  }
};

Background StartLabctl(const std::string& server, const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe(fds) != 0) abort();
  Background b;
  b.pid = ::fork();
  if (b.pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::setenv("LABCTL_SERVER", server.c_str(), 1);
    std::vector<std::string> argv = {LABCTL_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    ::execv(cargv[0], cargv.data());
    _exit(127);
  }
  ::close(fds[1]);
  b.out = fds[0];
  return b;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class LabdExecTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = testing::RunProgram({std::string(LABCTL_SOURCE_DIR) + "/scripts/build-labbox"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  void SetUp() override {
    testing::SweepPrefix(engine_, kPrefix);
    labd_ = std::make_unique<testing::LabdProcess>(
        testing::DockerLabdOptions(testing::kSystemDockerHost, kPrefix));
  }
  void TearDown() override {
    for (const auto& name : created_) {
      (void)testing::LabdClient(*labd_).Delete(api::Kind::kLab, name);
      EXPECT_TRUE(testing::PollGone(*labd_, name));
    }
    labd_.reset();
    EXPECT_EQ(testing::LeftoversOf(engine_, kPrefix), std::vector<std::string>{});
    testing::SweepPrefix(engine_, kPrefix);
  }

  // A one-node lab; returns its name once created.
  std::string CreateLab(const std::string& suffix, int octet, json extra = json::object()) {
    std::string name = kPrefix + std::to_string(getpid() % 100000) + "-" + suffix;
    json nodes =
        json::array({testing::Node("n", {{"a", "10." + std::to_string(octet) + ".1.10"}}, extra)});
    auto created =
        testing::LabdClient(*labd_).Create(api::Kind::kLab, testing::TwoNetLab(name, octet, nodes));
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    created_.push_back(name);
    return name;
  }

  // How many processes in the node's container have `needle` in their command line.
  int CountProcesses(const std::string& lab, const std::string& needle) {
    auto ps = engine_.Exec(docker::ContainerName(lab, "n"), {"ps", "-o", "args"});
    if (!ps.ok()) return -1;
    int n = 0;
    std::istringstream lines(ps->out);
    for (std::string line; std::getline(lines, line);)
      n += line.find(needle) != std::string::npos && line.find("ps -o") == std::string::npos;
    return n;
  }

  // Polls until no process of the node matches `needle`.
  bool WaitNoProcess(const std::string& lab, const std::string& needle) {
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (CountProcesses(lab, needle) == 0) return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  docker::HttpEngine engine_;
  std::unique_ptr<testing::LabdProcess> labd_;
  std::vector<std::string> created_;
};

TEST_F(LabdExecTest, StreamsOutputAndPassesTheExitCodeThrough) {
  std::string lab = CreateLab("codes", 201);
  ASSERT_TRUE(testing::PollReady(*labd_, lab)) << labd_->log_path();
  auto r = testing::RunLabctl(labd_->url(), {"exec", "lab/" + lab, "n", "--", "sh", "-c",
                                             "echo out; echo err >&2; exit 7"});
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  auto missing = testing::RunLabctl(labd_->url(), {"exec", "lab/" + lab, "nosuch", "--", "true"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nosuch"), std::string::npos) << missing.err;
}

TEST_F(LabdExecTest, CtrlCOrADroppedClientKillsTheCommandAndItsChildren) {
  std::string lab = CreateLab("drop", 202);
  ASSERT_TRUE(testing::PollReady(*labd_, lab)) << labd_->log_path();
  // A shell with a child: killing only the shell would leave the child holding the stream.
  for (int sig : {SIGINT, SIGKILL}) {
    SCOPED_TRACE(sig == SIGINT ? "Ctrl-C" : "kill -9 of labctl");
    std::string marker = sig == SIGINT ? "sleep 4241" : "sleep 4242";
    auto b = StartLabctl(labd_->url(), {"exec", "lab/" + lab, "n", "--", "sh", "-c",
                                        marker + " & echo started; wait"});
    ASSERT_TRUE(b.WaitFor("started"));
    EXPECT_GE(CountProcesses(lab, marker), 1);  // the shell and its sleep
    ::kill(b.pid, sig);
    b.Wait();
    EXPECT_TRUE(WaitNoProcess(lab, marker)) << "labd log: " << labd_->log_path();
  }
  EXPECT_NE(ReadFile(labd_->log_path()).find("exec killed"), std::string::npos);
}

TEST_F(LabdExecTest, TimeoutKillsTheCommand) {
  std::string lab = CreateLab("timeout", 203);
  ASSERT_TRUE(testing::PollReady(*labd_, lab)) << labd_->log_path();
  auto r = testing::RunLabctl(labd_->url(),
                              {"exec", "--timeout", "1", "lab/" + lab, "n", "--", "sleep", "4243"});
  EXPECT_EQ(r.exit_code, 137) << r.err;
  EXPECT_TRUE(WaitNoProcess(lab, "sleep 4243"));
}

TEST_F(LabdExecTest, ReadinessProbeOverItsTimeoutIsKilledAndReported) {
  json probe = {
      {"readiness", {{"exec", {"sleep", "4244"}}, {"periodSeconds", 1}, {"timeoutSeconds", 2}}}};
  std::string lab = CreateLab("probe", 204, probe);
  api::Result<json> last = api::Status::Internal("never read");
  bool reported = testing::PollLab(
      *labd_, lab,
      [](const api::Result<json>& l) {
        if (!l.ok() || !(*l)["status"].contains("nodes")) return false;
        return (*l)["status"]["nodes"][0].value("message", "").find("timed out after 2s") !=
               std::string::npos;
      },
      60s, &last);
  EXPECT_TRUE(reported) << (last.ok() ? last->dump(2) : last.status().ToString());
  // Attempts do not pile up: at most the one running now.
  EXPECT_LE(CountProcesses(lab, "sleep 4244"), 1);
  EXPECT_FALSE(last.ok() && testing::IsReadyNow(*last));
}

}  // namespace
}  // namespace labctl
