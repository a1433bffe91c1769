#include "controller/server/connection_io.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

#include "controller/server/tls_context.h"

namespace labctl::server {

ConnectionIo::~ConnectionIo() {
  if (ssl_) SSL_free(ssl_);
}

ConnectionIo& ConnectionIo::operator=(ConnectionIo&& other) noexcept {
  if (this != &other) {
    if (ssl_) SSL_free(ssl_);
    fd_ = std::exchange(other.fd_, -1);
    ssl_ = std::exchange(other.ssl_, nullptr);
    wait_ = other.wait_;
  }
  return *this;
}

ConnectionIo::Handshake ConnectionIo::Accept(std::string* error) {
  ERR_clear_error();
  int result = SSL_accept(ssl_);
  if (result == 1) {
    wait_ = POLLIN;
    return Handshake::kDone;
  }
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_WANT_READ:
      wait_ = POLLIN;
      return Handshake::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      wait_ = POLLOUT;
      return Handshake::kWantWrite;
    case SSL_ERROR_SYSCALL:
      *error = errno ? std::string("socket: ") + std::strerror(errno) : "client closed";
      ERR_clear_error();
      return Handshake::kFailed;
    default:
      *error = OpenSslErrors("TLS handshake failed");
      return Handshake::kFailed;
  }
}

ssize_t ConnectionIo::FromSsl(int result) {
  if (result > 0) return result;
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_WANT_READ:
      wait_ = POLLIN;
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_WANT_WRITE:
      wait_ = POLLOUT;
      errno = EAGAIN;
      return -1;
    case SSL_ERROR_ZERO_RETURN:  // close_notify
      return 0;
    case SSL_ERROR_SYSCALL:
      ERR_clear_error();
      if (errno == 0) return 0;  // closed without close_notify: as good as a close here
      return -1;
    default:
      ERR_clear_error();
      errno = EPROTO;
      return -1;
  }
}

ssize_t ConnectionIo::Recv(char* buffer, size_t size) {
  if (!ssl_) return recv(fd_, buffer, size, MSG_DONTWAIT);
  ERR_clear_error();
  errno = 0;
  return FromSsl(SSL_read(ssl_, buffer, static_cast<int>(std::min<size_t>(size, INT32_MAX))));
}

ssize_t ConnectionIo::Send(const char* data, size_t size) {
  if (!ssl_) return send(fd_, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
  ERR_clear_error();
  errno = 0;
  return FromSsl(SSL_write(ssl_, data, static_cast<int>(std::min<size_t>(size, INT32_MAX))));
}

bool ConnectionIo::Pending() const { return ssl_ && SSL_pending(ssl_) > 0; }

void ConnectionIo::ShutdownWrite() {
  if (ssl_ && SSL_is_init_finished(ssl_)) {
    ERR_clear_error();
    SSL_shutdown(ssl_);
    ERR_clear_error();
  }
  shutdown(fd_, SHUT_WR);
}

}  // namespace labctl::server
