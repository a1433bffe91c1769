// Input limits: every bound labd puts on what a client sends, in one place (docs/api.md, "Limits",
// lists them). Parsing a body (JSON or YAML, api/yaml.h) stops with 400 at the first limit it
// hits, so one request costs bounded memory, stack and time whatever its bytes; durations are
// capped so that adding them to a clock can never overflow.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace labctl::api {

struct ParseLimits {
  // Nesting of objects and arrays. Serializing, comparing and merge-patching recurse per level.
  int max_depth = 64;
  // Values in one parsed body (every scalar, object and array, YAML alias copies included).
  size_t max_nodes = 200'000;
  // Bytes of all strings and keys in one parsed body (alias copies included).
  size_t max_string_bytes = 8u << 20;
  // YAML text (a body or an uploaded topology). JSON bodies are bounded by the HTTP body limit.
  size_t max_yaml_bytes = 1u << 20;
  // Documents in one YAML stream.
  size_t max_yaml_documents = 1000;
  // Values that YAML aliases (*name) copy: what stops "billion laughs" documents.
  size_t max_yaml_alias_nodes = 10'000;
  // Bytes yaml-cpp may read without producing a value: the largest scalar or flow collection
  // ([...] or {...}). yaml-cpp keeps a token of ~250 bytes per byte of an unfinished flow
  // collection, so this bounds its memory (~32 MB).
  size_t max_yaml_scan_ahead = 128u << 10;
  // Wall-clock time for parsing one YAML text: a backstop (the limits above already bound the
  // work; 1 MiB of block YAML parses in well under a second on an idle core).
  std::chrono::milliseconds max_yaml_time{5000};
};

inline constexpr ParseLimits kDefaultParseLimits{};

// Durations given in seconds (spec.idleTimeoutSeconds, the watch's timeoutSeconds, an exec's
// timeoutSeconds, ...): at most ten years.
inline constexpr int64_t kMaxDurationSeconds = int64_t{10} * 365 * 24 * 3600;

}  // namespace labctl::api
