#include "controller/server/neops/neops_sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace labctl::server {

namespace {

// EVP fails only when out of memory or when the library is broken: nothing to recover.
void Require(int ok, const char* what) {
  if (ok == 1) return;
  std::fprintf(stderr, "labd: libcrypto %s failed\n", what);
  std::abort();
}

}  // namespace

struct Sha256::Context {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Context>()) {
  Require(ctx_->md != nullptr, "EVP_MD_CTX_new");
  Require(EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr), "EVP_DigestInit_ex");
}

Sha256::~Sha256() = default;

Sha256& Sha256::Update(std::string_view data) {
  Require(EVP_DigestUpdate(ctx_->md, data.data(), data.size()), "EVP_DigestUpdate");
  return *this;
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  Require(EVP_DigestFinal_ex(ctx_->md, digest, &size), "EVP_DigestFinal_ex");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

std::string Sha256Hex(std::string_view data) { return Sha256().Update(data).HexDigest(); }

}  // namespace labctl::server
