// Durations as users type them (api/duration.h: --timeout=90s, 5m, 1h30m, 500ms; a bare number
// is seconds) and ages as kubectl prints them in the AGE column (5s, 3m20s, 2h, 4d).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "api/clock.h"
#include "api/duration.h"
#include "api/status.h"

namespace labctl::cli {

using api::ParseDuration;

// kubectl's HumanDuration: "<invalid>" for clearly negative values, "0s" for slightly negative.
std::string HumanDuration(std::chrono::milliseconds d);

// The age of an RFC 3339 timestamp at `now`; "<unknown>" when it does not parse.
std::string Age(const std::string& timestamp, api::TimePoint now);

}  // namespace labctl::cli
