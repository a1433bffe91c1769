// ConnectionIo: how the connection gate and a worker move one client connection's bytes —
// plain recv/send on its socket, or TLS records through OpenSSL (the SSL object is owned here).
// Non-blocking like the socket: Recv and Send return -1 with errno EAGAIN when they must wait,
// and WaitEvents() says for what (a TLS read may have to write first, and the reverse);
// Pending() is true while decrypted bytes wait inside OpenSSL, which epoll cannot see.
// Not thread-safe: the gate and a worker hand a connection over, they never share it.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <string>

typedef struct ssl_st SSL;

namespace labctl::server {

class ConnectionIo {
 public:
  ConnectionIo() = default;
  explicit ConnectionIo(int fd) : fd_(fd) {}
  ConnectionIo(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}  // takes `ssl`
  ~ConnectionIo();
  ConnectionIo(ConnectionIo&& other) noexcept { *this = std::move(other); }
  ConnectionIo& operator=(ConnectionIo&& other) noexcept;

  enum class Handshake { kDone, kWantRead, kWantWrite, kFailed };
  // Advances the server side of the TLS handshake; on kFailed `error` says why.
  Handshake Accept(std::string* error);

  // Like recv/send: bytes moved, 0 (Recv) when the peer closed, -1 with errno set.
  ssize_t Recv(char* buffer, size_t size);
  ssize_t Send(const char* data, size_t size);
  bool Pending() const;
  short WaitEvents() const { return wait_; }
  // Ends the sending side: TLS close_notify (best effort), then shutdown(SHUT_WR).
  void ShutdownWrite();
  bool tls() const { return ssl_ != nullptr; }

 private:
  // Maps an SSL_read/SSL_write result to recv/send's convention.
  ssize_t FromSsl(int result);

  int fd_ = -1;
  SSL* ssl_ = nullptr;
  short wait_ = POLLIN;
};

}  // namespace labctl::server
