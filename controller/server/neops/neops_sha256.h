// Sha256: SHA-256 (FIPS 180-4) as 64 lower-case hex digits, through OpenSSL's libcrypto EVP
// interface, fed piece by piece (no copy of the input). The Neops facade identifies a topology
// by the SHA-256 of its content, as the original server does, and stores only the SHA-256 of
// each session id (a credential).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace labctl::server {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& Update(std::string_view data);
  // The digest of everything passed to Update; the hasher is spent afterwards.
  std::string HexDigest();

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

std::string Sha256Hex(std::string_view data);

}  // namespace labctl::server
