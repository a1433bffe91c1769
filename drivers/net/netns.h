// Netns: a handle on another process's network namespace, and a way to run code inside it.
//
// Open() takes /proc/PID/ns/net (or a bind-mounted path such as /run/netns/NAME) and keeps the
// file descriptor for the handle's lifetime, so the namespace cannot vanish underneath us and a
// recycled PID cannot redirect later calls. Run() executes a function on a fresh thread that has
// joined that namespace (setns(CLONE_NEWNET)); the caller's thread never changes namespace.
// Sockets created inside Run() stay bound to the namespace after it returns, which is how the
// rtnetlink client talks to a container from labd's own threads. Handles are move-only; Run() may
// be called from several threads at once.
#pragma once

#include <functional>
#include <string>

#include "api/status.h"

namespace labctl::net {

class Netns {
 public:
  // The namespace of process `pid` (e.g. a container's init, from docker inspect).
  static api::Result<Netns> OpenPid(int pid);
  static api::Result<Netns> OpenPath(const std::string& path);

  Netns(Netns&& other) noexcept;
  Netns& operator=(Netns&& other) noexcept;
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;
  ~Netns();

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

  // Runs `fn` on a new thread inside the namespace and returns its status (or the setns error).
  api::Status Run(const std::function<api::Status()>& fn) const;

 private:
  Netns(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

}  // namespace labctl::net
