#include "drivers/net/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "api/join.h"

extern char** environ;

namespace labctl::net {
namespace {

std::string FindProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  std::string path = getenv("PATH") ? getenv("PATH") : "";
  path += ":/usr/sbin:/sbin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    if (!dir.empty()) {
      std::string candidate = dir + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    start = end + 1;
  }
  return "";
}

// labd blocks its stop signals in every thread and ignores SIGPIPE; a child would inherit both
// and then shrug off the SIGTERM that ends a capture. Children start with a clean slate.
struct CleanSignals {
  posix_spawnattr_t attr;
  CleanSignals() {
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  ~CleanSignals() { posix_spawnattr_destroy(&attr); }
};

struct Pipes {
  std::array<int, 2> in{-1, -1}, out{-1, -1}, err{-1, -1};
  ~Pipes() {
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]})
      if (fd >= 0) ::close(fd);
  }
};

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Starts argv[0] (searched in PATH) with stdout and stderr to new pipes and stdin from a new
// pipe (with_stdin) or /dev/null; the child's pipe ends are closed here. Returns its pid.
api::Result<pid_t> Spawn(const std::vector<std::string>& argv, Pipes& p, bool with_stdin) {
  if (argv.empty()) return api::Status::BadRequest("empty command");
  std::string program = FindProgram(argv[0]);
  if (program.empty()) return api::Status::NotFound("program not found: " + argv[0]);
  for (auto* pipe : {&p.in, &p.out, &p.err}) {
    if (pipe == &p.in && !with_stdin) continue;
    if (::pipe2(pipe->data(), O_CLOEXEC) != 0)
      return api::Status::Internal(std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (with_stdin)
    posix_spawn_file_actions_adddup2(&actions, p.in[0], 0);
  else
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, p.out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, p.err[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  CleanSignals signals;
  int rc = ::posix_spawn(&pid, program.c_str(), &actions, &signals.attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return api::Status::Internal("spawn " + program + ": " + std::strerror(rc));
  CloseFd(p.in[0]);
  CloseFd(p.out[1]);
  CloseFd(p.err[1]);
  return pid;
}

// Feeds stdin and drains stdout/stderr together so neither side can block the other.
void Pump(Pipes& p, const std::string& stdin_data, ProcessOutput& result) {
  size_t written = 0;
  if (stdin_data.empty()) CloseFd(p.in[1]);
  char buf[8192];
  while (p.out[0] >= 0 || p.err[0] >= 0) {
    std::array<pollfd, 3> fds{pollfd{p.out[0], POLLIN, 0}, pollfd{p.err[0], POLLIN, 0},
                              pollfd{p.in[1], POLLOUT, 0}};
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p.in[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = ::write(p.in[1], stdin_data.data() + written, stdin_data.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n <= 0 || written == stdin_data.size()) CloseFd(p.in[1]);
    }
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      int& fd = i == 0 ? p.out[0] : p.err[0];
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n > 0)
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      else if (n == 0 || errno != EINTR)
        CloseFd(fd);
    }
  }
}

}  // namespace

api::Result<ProcessOutput> RunProcess(const std::vector<std::string>& argv,
                                      const std::string& stdin_data) {
  Pipes p;
  auto pid = Spawn(argv, p, /*with_stdin=*/true);
  if (!pid.ok()) return pid.status();
  ProcessOutput result;
  Pump(p, stdin_data, result);
  int status = 0;
  while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

api::Result<ProcessOutput> RunChecked(const std::vector<std::string>& argv,
                                      const std::string& stdin_data) {
  auto r = RunProcess(argv, stdin_data);
  if (!r.ok()) return r;
  if (r->exit_code != 0)
    return api::Status::Internal("`" + api::Join(argv, " ") + "` exited " +
                                 std::to_string(r->exit_code) + ": " + r->err);
  return r;
}

api::Result<std::unique_ptr<StreamingProcess>> StreamingProcess::Start(
    const std::vector<std::string>& argv) {
  Pipes p;
  auto pid = Spawn(argv, p, /*with_stdin=*/false);
  if (!pid.ok()) return pid.status();
  std::unique_ptr<StreamingProcess> proc(new StreamingProcess());
  proc->pid_ = *pid;
  proc->out_fd_ = p.out[0];
  proc->err_fd_ = p.err[0];
  p.out[0] = p.err[0] = -1;  // owned by proc now
  return proc;
}

StreamingProcess::~StreamingProcess() {
  if (pid_ > 0 && exit_code_ < 0) {
    ::kill(pid_, SIGTERM);
    Reap(true);
  }
  CloseFd(out_fd_);
  CloseFd(err_fd_);
}

int StreamingProcess::Reap(bool block) {
  if (exit_code_ >= 0) return exit_code_;
  int status = 0;
  pid_t r;
  while ((r = ::waitpid(pid_, &status, block ? 0 : WNOHANG)) < 0 && errno == EINTR) {
  }
  if (r == pid_) exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

bool StreamingProcess::exited() { return Reap(false) >= 0; }

void StreamingProcess::DrainStderr() {
  char buf[4096];
  ssize_t n = ::read(err_fd_, buf, sizeof(buf));
  if (n > 0)
    err_.append(buf, static_cast<size_t>(n));
  else if (n == 0 || errno != EINTR)
    CloseFd(err_fd_);
}

bool StreamingProcess::WaitForStderr(const std::string& marker, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (err_.find(marker) == std::string::npos) {
    if (err_fd_ < 0) {
      // stderr closed: the process is exiting; give it a moment to become reapable.
      for (int i = 0; i < 100 && Reap(false) < 0; ++i) ::usleep(10000);
      return false;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return false;
    pollfd fd{err_fd_, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left)) > 0) DrainStderr();
  }
  return true;
}

int StreamingProcess::Pump(const std::function<bool(std::string_view)>& sink,
                           std::optional<std::chrono::steady_clock::time_point> deadline) {
  char buf[16384];
  bool terminated = false;
  while (out_fd_ >= 0) {
    int wait_ms = -1;
    if (deadline && !terminated) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      *deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) {
        ::kill(pid_, SIGTERM);  // tcpdump flushes and exits; keep reading what it still writes
        terminated = true;
      } else {
        wait_ms = static_cast<int>(std::min<long long>(left, 1000));
      }
    }
    std::array<pollfd, 2> fds{pollfd{out_fd_, POLLIN, 0}, pollfd{err_fd_, POLLIN, 0}};
    if (::poll(fds.data(), err_fd_ >= 0 ? 2 : 1, wait_ms) < 0 && errno != EINTR) break;
    if (err_fd_ >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) DrainStderr();
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    ssize_t n = ::read(out_fd_, buf, sizeof(buf));
    if (n > 0) {
      if (!sink(std::string_view(buf, static_cast<size_t>(n))) && !terminated) {
        ::kill(pid_, SIGTERM);  // the reader is gone
        terminated = true;
        CloseFd(out_fd_);
      }
    } else if (n == 0 || errno != EINTR) {
      CloseFd(out_fd_);
    }
  }
  while (err_fd_ >= 0) DrainStderr();
  return Reap(true);
}

}  // namespace labctl::net
