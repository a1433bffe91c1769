#include "docker/private_dockerd.h"

#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "drivers/docker/http_engine.h"
#include "support/labd_process.h"

namespace labctl::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kDirPrefix[] = "labctl-dockerd";

int ReadPid(const std::string& path) {
  std::ifstream in(path);
  int pid = -1;
  in >> pid;
  return in ? pid : -1;
}

bool Alive(int pid) { return pid > 0 && ::kill(pid, 0) == 0; }

// Whether `pid` is still the dockerd started for `dir` (its command line names the dir): a pid
// file outlives its process, and the number may since belong to anything, the host's dockerd too.
bool IsDaemonOf(int pid, const std::string& dir) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return cmdline.find(dir) != std::string::npos;
}

// Waits for a process that is not our child (a leftover) to disappear.
void WaitGone(int pid, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Alive(pid) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
}

// dockerd bind-mounts its data root onto itself; it stays mounted after the daemon exits.
void RemoveDir(const std::string& dir) {
  ::umount2((dir + "/root").c_str(), MNT_DETACH);
  RunProgram({"rm", "-rf", dir});
}

// Stops and removes the private dockerds of earlier runs whose test process is gone.
void SweepLeftovers() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + kDirPrefix + "-*";
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) != 0) return;
  for (size_t i = 0; i < g.gl_pathc; ++i) {
    std::string dir = g.gl_pathv[i];
    if (Alive(ReadPid(dir + "/owner"))) continue;  // another live test's daemon
    int daemon = ReadPid(dir + "/pid");
    if (Alive(daemon) && IsDaemonOf(daemon, dir)) {
      ::kill(daemon, SIGTERM);
      WaitGone(daemon, 30s);
      if (Alive(daemon)) ::kill(daemon, SIGKILL);
      WaitGone(daemon, 10s);
    }
    RemoveDir(dir);
  }
  ::globfree(&g);
}

}  // namespace

PrivateDockerd::PrivateDockerd() {
  SweepLeftovers();
  dir_ = MakeTempDir(kDirPrefix);
  std::ofstream(dir_ + "/owner") << ::getpid() << "\n";
}

PrivateDockerd::~PrivateDockerd() {
  (void)Stop();
  RemoveDir(dir_);
}

api::Status PrivateDockerd::Start() {
  if (pid_ > 0) return api::Status::Ok();
  std::vector<std::string> args = {"dockerd", "--host", host(), "--data-root", dir_ + "/root",
                                   "--exec-root", dir_ + "/exec", "--pidfile", dir_ + "/pid",
                                   "--bridge", "none", "--iptables=false", "--ip-forward=false",
                                   "--shutdown-timeout", "1",
                                   // Overlay mounts under /tmp get copied into the mount
                                   // namespaces of containers the system dockerd starts
                                   // meanwhile and then cannot be removed ("device or resource
                                   // busy"): vfs mounts nothing.
                                   "--storage-driver", "vfs"};
  std::string log = log_path();
  pid_t pid = ::fork();
  if (pid < 0) return api::Status::Internal("fork failed");
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  docker::HttpEngine engine(docker::HttpEngineOptions{.docker_host = host(), .timeout_seconds = 2});
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (engine.Version().ok()) return api::Status::Ok();
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return api::Status::Unavailable("dockerd exited at start (exit status " +
                                      std::to_string(WEXITSTATUS(status)) + "); see " + log);
    }
    std::this_thread::sleep_for(200ms);
  }
  return api::Status::Unavailable("dockerd did not answer within 60 s; see " + log);
}

api::Status PrivateDockerd::Stop() {
  if (pid_ <= 0) return api::Status::Ok();
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      return api::Status::Internal("dockerd did not stop within 60 s on SIGTERM; killed");
    }
    std::this_thread::sleep_for(100ms);
  }
  pid_ = -1;
  return api::Status::Ok();
}

api::Status PrivateDockerd::LoadImage(const std::string& image) {
  auto r = RunProgram({"sh", "-c", "docker save \"$0\" | docker -H \"$1\" load", image, host()});
  if (r.exit_code != 0)
    return api::Status::Internal("loading " + image + " into the private dockerd: " + r.err);
  return api::Status::Ok();
}

}  // namespace labctl::testing
