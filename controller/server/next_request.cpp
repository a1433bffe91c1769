#include "controller/server/next_request.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

namespace labctl::server {

void FinishRequest(GateConnection& conn, RequestReader& reader) {
  conn.buffer.erase(0, std::min(conn.buffer.size(), std::max(conn.consumed, conn.request_bytes)));
  conn.consumed = conn.request_bytes = 0;
  conn.head = RequestHead();
  conn.expect_answered = false;
  conn.streams_body = false;
  reader.Reset();
}

bool ReadNextRequest(GateConnection& conn, RequestReader& reader, std::chrono::milliseconds window,
                     int yield_fd) {
  static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
  const auto until = std::chrono::steady_clock::now() + window;
  static thread_local std::vector<char> chunk;
  for (;;) {
    switch (reader.Advance(conn)) {
      case RequestReader::Step::kComplete:
        return true;
      case RequestReader::Step::kNeedMore:
        break;
      default:
        return false;
    }
    if (reader.TakeContinue())
      conn.expect_answered = conn.io.Send(kContinue, sizeof(kContinue) - 1) > 0;
    // Bytes OpenSSL already decrypted are read at once; otherwise wait for the socket.
    if (!conn.io.Pending()) {
      auto left =
          std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      const short want = conn.io.WaitEvents();
      pollfd p[2] = {{conn.fd, want, 0}, {yield_fd, POLLIN, 0}};
      if (left.count() <= 0 || poll(p, 2, static_cast<int>(left.count())) <= 0 ||
          (p[1].revents & POLLIN) || !(p[0].revents & (want | POLLHUP | POLLERR)))
        return false;
    }
    chunk.resize(reader.Want(conn));
    ssize_t n = conn.io.Recv(chunk.data(), chunk.size());
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
    if (n < 0) {
      conn.io_failed = true;
      return false;
    }
    if (n == 0) conn.peer_closed = true;
    conn.buffer.append(chunk.data(), static_cast<size_t>(n));
  }
}

}  // namespace labctl::server
