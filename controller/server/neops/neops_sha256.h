// Sha256Hex: SHA-256 (FIPS 180-4) of a byte string as 64 lower-case hex digits. The Neops facade
// identifies a topology by the SHA-256 of its content, as the original server does.
#pragma once

#include <string>
#include <string_view>

namespace labctl::server {

std::string Sha256Hex(std::string_view data);

}  // namespace labctl::server
