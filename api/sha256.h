// Sha256: SHA-256 (FIPS 180-4) through OpenSSL's libcrypto EVP interface, streaming: Update() may
// be called any number of times with pieces of the input, which is never copied. HexDigest() and
// Sha256Hex() give the digest as 64 lower-case hex digits.
//
// Used wherever labctl fingerprints content or credentials (the Neops facade's topology hash).
// A Sha256 is move-only and not thread-safe; HexDigest() finishes it (further Updates are ignored).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace labctl::api {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& Update(std::string_view data);
  // The digest of everything passed to Update, as 64 lower-case hex digits.
  std::string HexDigest();

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

// One-shot digest of `data`, as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace labctl::api
