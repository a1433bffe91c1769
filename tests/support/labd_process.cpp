#include "tests/support/labd_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "api/sha256.h"
#include "tests/support/poll.h"

namespace labctl::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace

std::string CheckoutTag() { return api::Sha256Hex(LABCTL_BINARY_DIR).substr(0, 4); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool WaitExit(int pid, std::chrono::milliseconds timeout, int* status) {
  return PollUntil(
      [&] {
        int st = 0;
        int r = waitpid(pid, &st, WNOHANG);
        if (r != pid && !(r < 0 && errno == ECHILD)) return false;
        if (status) *status = st;
        return true;
      },
      timeout);
}

std::string MakeTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "-XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed: " + pattern);
  return pattern;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("FreePort: cannot bind");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

long ProcStatus(int pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.substr(field.size() + 1).c_str());
  return -1;
}

LabdProcess::LabdProcess() : LabdProcess(Options{}) {}

LabdProcess::LabdProcess(Options options) : options_(std::move(options)) {
  if (options_.data_dir.empty()) {
    options_.data_dir = MakeTempDir("labd-test");
    owns_data_dir_ = true;
  }
  port_ = FreePort();
  Start();
}

LabdProcess::~LabdProcess() {
  Stop();
  if (!owns_data_dir_) return;
  if (::testing::Test::HasFailure()) {
    std::fprintf(stderr, "kept labd data dir %s (the test failed)\n", options_.data_dir.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(options_.data_dir, ec);
}

void LabdProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  if (!WaitExit(pid_, std::chrono::seconds(10))) {
    kill(pid_, SIGKILL);
    WaitExit(pid_, std::chrono::seconds(10));
  }
  pid_ = -1;
}

std::string LabdProcess::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string LabdProcess::log_path() const { return options_.data_dir + "/labd.log"; }

void LabdProcess::Start() {
  std::vector<std::string> args = {options_.binary.empty() ? LABD_BIN : options_.binary, "--listen",
                                   "127.0.0.1:" + std::to_string(port_), "--data-dir",
                                   options_.data_dir};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  // Tests that do not ask for Docker get an engine that does not exist: their labd must never
  // touch (or sweep as orphans) the Docker objects of tests running beside them.
  if (std::find(args.begin(), args.end(), "--docker-host") == args.end()) {
    args.insert(args.end(), {"--docker-host", "unix:///nonexistent/labctl-test-no-docker.sock",
                             "--lab-controller", "false"});
  }
  args.insert(args.begin(), options_.command_prefix.begin(), options_.command_prefix.end());
  std::string log = log_path();
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // labd dies with the test: one left running by a test killed on a timeout would go on
    // reconciling (and sweeping as orphans) the Docker objects of the next run.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    auto argv = CStrings(args);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  if (!options_.wait_ready) return;

  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(std::chrono::milliseconds(500));
  client.set_read_timeout(std::chrono::seconds(2));
  auto deadline = SteadyClock::now() + std::chrono::seconds(20);
  while (SteadyClock::now() < deadline) {
    if (WaitExit(pid_, std::chrono::milliseconds(0))) {
      pid_ = -1;
      ADD_FAILURE() << "labd exited during start-up; log:\n" << ReadFile(log);
      return;
    }
    auto res = client.Get("/readyz");
    if (res && res->status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "labd not ready after 20 s; log:\n" << ReadFile(log);
}

void LabdProcess::Kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  WaitExit(pid_, std::chrono::seconds(30));
  pid_ = -1;
}

void LabdProcess::Terminate() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  WaitExit(pid_, std::chrono::minutes(2));
  pid_ = -1;
}

CommandResult RunProgram(const std::vector<std::string>& argv_in, const std::string& input,
                         const std::map<std::string, std::string>& env) {
  CommandResult result;
  signal(SIGPIPE, SIG_IGN);  // a child that never reads stdin must not kill the test
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC)) {
    result.err = "pipe failed";
    return result;
  }
  std::vector<std::string> args = argv_in;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    for (const auto& [key, value] : env) setenv(key.c_str(), value.c_str(), 1);
    auto argv = CStrings(args);
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "exec %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  // Feed stdin from a thread so a child that writes a lot before reading cannot deadlock us.
  std::thread feeder([fd = in_pipe[1], &input] {
    WriteAll(fd, input.data(), input.size());
    close(fd);
  });
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[8192];
      ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  feeder.join();
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

CommandResult RunLabctl(const std::string& server, const std::vector<std::string>& args,
                        const std::string& input, const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {LABCTL_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  std::map<std::string, std::string> full_env = env;
  full_env.emplace("LABCTL_SERVER", server);
  return RunProgram(argv, input, full_env);
}

}  // namespace labctl::testing
