// TlsContext: labd's server side of TLS (OpenSSL): the certificate chain and private key it
// presents and, optionally, the CA whose certificates clients must present (mutual TLS: a
// client without one is refused in the handshake). TLS 1.2 at least. Load() checks the files
// and that key and certificate belong together; afterwards the context is immutable and shared
// by every connection. The connection gate drives each handshake (connection_io.h).
#pragma once

#include <memory>
#include <string>

#include "api/status.h"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace labctl::server {

struct TlsFiles {
  std::string cert;       // PEM: the server certificate, then its intermediates
  std::string key;        // PEM: its private key
  std::string client_ca;  // PEM: CA certificates clients must be signed by; empty: no client certs
  bool enabled() const { return !cert.empty(); }
};

class TlsContext {
 public:
  // BadRequest naming the file and OpenSSL's reason when a file is missing or does not match.
  static api::Result<std::unique_ptr<TlsContext>> Load(const TlsFiles& files);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // A server-side SSL over `fd` (non-blocking) waiting for the client's hello; nullptr if
  // OpenSSL cannot make one (out of memory).
  SSL* NewConnection(int fd) const;
  bool verifies_clients() const { return verifies_clients_; }

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
  bool verifies_clients_ = false;
};

// OpenSSL's queued errors as one line (and clears the queue); `fallback` when there are none.
std::string OpenSslErrors(const std::string& fallback);

}  // namespace labctl::server
