#include "api/sha256.h"

#include <openssl/evp.h>

#include <new>

namespace labctl::api {

// EVP calls fail only when allocation fails or the digest is unavailable: with the default
// provider SHA-256 always is, so a failure is treated like an allocation failure (bad_alloc).
namespace {
// Fetched once: EVP_sha256() makes OpenSSL 3 look the implementation up again at every init.
const EVP_MD* Sha256Digest() {
  static const EVP_MD* digest = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched ? fetched : EVP_sha256();
  }();
  return digest;
}
}  // namespace

struct Sha256::Context {
  Context() : md(EVP_MD_CTX_new()) {
    if (!md || EVP_DigestInit_ex(md, Sha256Digest(), nullptr) != 1) {
      EVP_MD_CTX_free(md);
      throw std::bad_alloc();
    }
  }
  ~Context() { EVP_MD_CTX_free(md); }
  EVP_MD_CTX* md;
  std::string hex;  // set by HexDigest(): the context is finished
};

Sha256::Sha256() : ctx_(std::make_unique<Context>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

Sha256& Sha256::Update(std::string_view data) {
  if (ctx_->hex.empty() && !data.empty()) EVP_DigestUpdate(ctx_->md, data.data(), data.size());
  return *this;
}

std::string Sha256::HexDigest() {
  if (!ctx_->hex.empty()) return ctx_->hex;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_->md, digest, &len);
  static constexpr char kDigits[] = "0123456789abcdef";
  for (unsigned int i = 0; i < len; ++i) {
    ctx_->hex += kDigits[digest[i] >> 4];
    ctx_->hex += kDigits[digest[i] & 0xf];
  }
  return ctx_->hex;
}

std::string Sha256Hex(std::string_view data) { return Sha256().Update(data).HexDigest(); }

}  // namespace labctl::api
