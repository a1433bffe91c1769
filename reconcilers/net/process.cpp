#include "reconcilers/net/process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

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

std::string Joined(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

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
  if (argv.empty()) return api::Status::BadRequest("empty command");
  std::string program = FindProgram(argv[0]);
  if (program.empty()) return api::Status::NotFound("program not found: " + argv[0]);
  Pipes p;
  for (auto* pipe : {&p.in, &p.out, &p.err})
    if (::pipe2(pipe->data(), O_CLOEXEC) != 0)
      return api::Status::Internal(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, p.in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, p.out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, p.err[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return api::Status::Internal("spawn " + program + ": " + std::strerror(rc));
  CloseFd(p.in[0]);
  CloseFd(p.out[1]);
  CloseFd(p.err[1]);
  ProcessOutput result;
  Pump(p, stdin_data, result);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

api::Result<ProcessOutput> RunChecked(const std::vector<std::string>& argv,
                                      const std::string& stdin_data) {
  auto r = RunProcess(argv, stdin_data);
  if (!r.ok()) return r;
  if (r->exit_code != 0)
    return api::Status::Internal("`" + Joined(argv) + "` exited " + std::to_string(r->exit_code) +
                                 ": " + r->err);
  return r;
}

}  // namespace labctl::net
