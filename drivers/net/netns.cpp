#include "drivers/net/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace labctl::net {

api::Result<Netns> Netns::OpenPid(int pid) {
  if (pid <= 0) return api::Status::BadRequest("invalid pid " + std::to_string(pid));
  return OpenPath("/proc/" + std::to_string(pid) + "/ns/net");
}

api::Result<Netns> Netns::OpenPath(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return api::Status::NotFound("no network namespace at " + path);
    return api::Status::Internal("open " + path + ": " + std::strerror(errno));
  }
  return Netns(fd, path);
}

Netns::Netns(Netns&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

Netns& Netns::operator=(Netns&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

Netns::~Netns() {
  if (fd_ >= 0) ::close(fd_);
}

api::Status Netns::Run(const std::function<api::Status()>& fn) const {
  api::Status result;
  // A dedicated thread: setns() changes only the calling thread, and that thread ends here.
  std::thread worker([&] {
    if (::setns(fd_, CLONE_NEWNET) != 0) {
      result = api::Status::Internal("setns " + path_ + ": " + std::strerror(errno));
      return;
    }
    try {
      result = fn();
    } catch (const std::exception& e) {
      result = api::Status::Internal(std::string("in netns ") + path_ + ": " + e.what());
    }
  });
  worker.join();
  return result;
}

}  // namespace labctl::net
