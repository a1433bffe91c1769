// Random: identifiers and secrets from the kernel's CSPRNG (getrandom(2)), never from a seeded
// PRNG: object uids, generateName suffixes and the Neops facade's session ids (credentials) must
// not be predictable from earlier ones. Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace labctl::api {

// Fills `out` from getrandom(2) (blocking only until the kernel's pool is initialised at boot);
// aborts the process if the kernel refuses, as there is no safe fallback.
void FillRandom(std::span<uint8_t> out);
// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" (UUID v4, 122 random bits), y in [89ab].
std::string RandomUuid();
// `n` characters drawn uniformly from [a-z0-9] (as Kubernetes appends to generateName).
std::string RandomNameSuffix(size_t n = 5);

}  // namespace labctl::api
