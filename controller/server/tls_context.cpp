#include "controller/server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace labctl::server {

std::string OpenSslErrors(const std::string& fallback) {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? fallback : text;
}

api::Result<std::unique_ptr<TlsContext>> TlsContext::Load(const TlsFiles& files) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return api::Status::Internal(OpenSslErrors("cannot create a TLS context"));
  std::unique_ptr<TlsContext> tls(new TlsContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // Partial writes and moving buffers let non-blocking writers retry with what is left; idle
  // connections give their read and write buffers back.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  if (SSL_CTX_use_certificate_chain_file(ctx, files.cert.c_str()) != 1)
    return api::Status::BadRequest("--tls-cert " + files.cert + ": " +
                                   OpenSslErrors("cannot read the certificate"));
  if (SSL_CTX_use_PrivateKey_file(ctx, files.key.c_str(), SSL_FILETYPE_PEM) != 1)
    return api::Status::BadRequest("--tls-key " + files.key + ": " +
                                   OpenSslErrors("cannot read the private key"));
  if (SSL_CTX_check_private_key(ctx) != 1)
    return api::Status::BadRequest("--tls-key " + files.key + " does not belong to --tls-cert " +
                                   files.cert);
  if (!files.client_ca.empty()) {
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca.c_str());
    if (!names || SSL_CTX_load_verify_locations(ctx, files.client_ca.c_str(), nullptr) != 1) {
      if (names) sk_X509_NAME_pop_free(names, X509_NAME_free);
      return api::Status::BadRequest("--client-ca " + files.client_ca + ": " +
                                     OpenSslErrors("cannot read the CA certificates"));
    }
    SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    tls->verifies_clients_ = true;
  }
  return tls;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

SSL* TlsContext::NewConnection(int fd) const {
  SSL* ssl = SSL_new(ctx_);
  if (!ssl) return nullptr;
  if (SSL_set_fd(ssl, fd) != 1) {
    SSL_free(ssl);
    return nullptr;
  }
  SSL_set_accept_state(ssl);
  return ssl;
}

}  // namespace labctl::server
