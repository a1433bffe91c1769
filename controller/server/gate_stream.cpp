#include "controller/server/gate_stream.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace labctl::server {

bool GateStream::Wait(short events, std::chrono::milliseconds timeout) const {
  pollfd p{conn_.fd, events, 0};
  for (;;) {
    int n = poll(&p, 1, static_cast<int>(timeout.count()));
    if (n < 0 && errno == EINTR) continue;
    return n > 0;
  }
}

bool GateStream::is_readable() const {
  // A kept answer must leave before waiting for the client (const: httplib's interface).
  if (!pending_.empty() && !const_cast<GateStream*>(this)->Flush()) return false;
  return conn_.consumed < conn_.buffer.size() || conn_.io.Pending() || Wait(POLLIN, read_timeout_);
}

bool GateStream::is_writable() const { return Wait(POLLOUT, write_timeout_); }

ssize_t GateStream::read(char* ptr, size_t size) {
  if (!Flush()) return -1;
  if (conn_.consumed < conn_.buffer.size()) {
    size_t n = std::min(size, conn_.buffer.size() - conn_.consumed);
    std::memcpy(ptr, conn_.buffer.data() + conn_.consumed, n);
    conn_.consumed += n;
    return static_cast<ssize_t>(n);
  }
  for (;;) {
    ssize_t n = conn_.io.Recv(ptr, size);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && Wait(conn_.io.WaitEvents(), read_timeout_))
      continue;
    conn_.io_failed = true;
    return -1;
  }
}

ssize_t GateStream::write(const char* ptr, size_t size) {
  if (coalesce_) {
    pending_.append(ptr, size);
    if (pending_.size() >= kMaxCoalesced && !Flush()) return -1;
    return static_cast<ssize_t>(size);
  }
  return SendAll(ptr, size) ? static_cast<ssize_t>(size) : -1;
}

bool GateStream::Flush() {
  if (pending_.empty()) return !conn_.io_failed;
  bool sent = SendAll(pending_.data(), pending_.size());
  pending_.clear();
  return sent;
}

bool GateStream::SendAll(const char* ptr, size_t size) {
  size_t sent = 0;
  while (sent < size) {
    ssize_t n = conn_.io.Send(ptr + sent, size - sent);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
        Wait(conn_.io.WaitEvents(), write_timeout_))
      continue;
    conn_.io_failed = true;
    return false;
  }
  return true;
}

void GateStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = conn_.peer_ip;
  port = conn_.peer_port;
}

void GateStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = conn_.local_ip;
  port = conn_.local_port;
}

}  // namespace labctl::server
