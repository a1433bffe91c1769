// Fnv1a64Hex: the 64-bit FNV-1a hash of a string as 16 hex digits. Stable across runs, builds
// and machines, cheap, not cryptographic: for names and change detection (spec hashes, Event
// names), never for anything an attacker may choose to collide (api/sha256.h for those).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace labctl::api {

inline std::string Fnv1a64Hex(const std::string& text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace labctl::api
