// `labctl exec` and readiness probes against the real labd, labctl and dockerd: output streamed
// with the exit code passed through, stdin forwarded with -i (EOF closes the command's stdin;
// idle input survives labd's read timeout), and every way a command in a node can be abandoned —
// Ctrl-C of labctl, a dropped client, --timeout, a readiness probe over its timeoutSeconds —
// kills the process in the node (Docker itself cannot kill an exec).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <thread>

#include "docker/lab_fixture.h"
#include "docker/labd_docker.h"

namespace labctl {
namespace {

using api::json;
using namespace std::chrono_literals;

const std::string kPrefix = "dkexec" + testing::CheckoutTag();

// A labctl started in the background with its stdout (and, if asked, its stdin) on a pipe.
struct Background {
  pid_t pid = -1;
  int out = -1;
  int in = -1;  // the write end of labctl's stdin, or -1

  void Type(const std::string& text) {
    EXPECT_EQ(::write(in, text.data(), text.size()), text.size());
  }

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
    if (in >= 0) ::close(in);
    return status;
  }
};

Background StartLabctl(const std::string& server, const std::vector<std::string>& args,
                       bool with_stdin = false) {
  int fds[2], in_fds[2] = {-1, -1};
  if (::pipe(fds) != 0 || (with_stdin && ::pipe(in_fds) != 0)) abort();
  Background b;
  b.pid = ::fork();
  if (b.pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    if (with_stdin) {
      ::dup2(in_fds[0], STDIN_FILENO);
      ::close(in_fds[1]);
    }
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
  if (with_stdin) {
    ::close(in_fds[0]);
    b.in = in_fds[1];
  }
  return b;
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
    return testing::PollUntil([&] { return CountProcesses(lab, needle) == 0; }, 30s, 200ms);
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
  EXPECT_NE(testing::ReadFile(labd_->log_path()).find("exec killed"), std::string::npos);
}

TEST_F(LabdExecTest, StdinIsForwardedWithDashIAndEofClosesIt) {
  std::string lab = CreateLab("stdin", 205);
  ASSERT_TRUE(testing::PollReady(*labd_, lab)) << labd_->log_path();
  auto cat =
      testing::RunLabctl(labd_->url(), {"exec", "-i", "lab/" + lab, "n", "--", "cat"}, "a\nb\n");
  EXPECT_EQ(cat.exit_code, 0) << cat.err;
  EXPECT_EQ(cat.out, "a\nb\n");
  auto code = testing::RunLabctl(
      labd_->url(),
      {"exec", "--stdin", "lab/" + lab, "n", "--", "sh", "-c", "read x; echo got $x; exit 7"},
      "hello\nunread\n");
  EXPECT_EQ(code.exit_code, 7) << code.err;
  EXPECT_EQ(code.out, "got hello\n");
  // Without -i the command's stdin stays closed, as before.
  auto plain = testing::RunLabctl(labd_->url(), {"exec", "lab/" + lab, "n", "--", "cat"}, "x\n");
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out, "");
}

TEST_F(LabdExecTest, TypedInputReachesTheCommandAcrossIdlePauses) {
  std::string lab = CreateLab("typed", 206);
  ASSERT_TRUE(testing::PollReady(*labd_, lab)) << labd_->log_path();
  auto b = StartLabctl(labd_->url(),
                       {"exec", "-i", "lab/" + lab, "n", "--", "sh", "-c",
                        "read a; echo got $a; read b; echo got $b"},
                       true);
  b.Type("one\n");
  ASSERT_TRUE(b.WaitFor("got one"));
  // Longer than labd's 10 s read timeout: labctl's keep-alive frames hold the stdin request.
  std::this_thread::sleep_for(11s);
  b.Type("two\n");
  EXPECT_TRUE(b.WaitFor("got two")) << "labd log: " << labd_->log_path();
  int status = b.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(LabdExecTest, ADroppedClientWithStdinStillKillsTheCommand) {
  std::string lab = CreateLab("dropin", 207);
  ASSERT_TRUE(testing::PollReady(*labd_, lab)) << labd_->log_path();
  auto b = StartLabctl(
      labd_->url(),
      {"exec", "-i", "lab/" + lab, "n", "--", "sh", "-c", "sleep 4246 & echo started; cat; wait"},
      true);
  ASSERT_TRUE(b.WaitFor("started"));
  b.Type("ping\n");
  ASSERT_TRUE(b.WaitFor("ping"));
  EXPECT_GE(CountProcesses(lab, "sleep 4246"), 1);
  ::kill(b.pid, SIGKILL);
  b.Wait();
  EXPECT_TRUE(WaitNoProcess(lab, "sleep 4246")) << "labd log: " << labd_->log_path();
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
