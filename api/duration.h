// ParseDuration: the one grammar for durations typed by users, shared by labctl's and labd's
// flags: Go-style <number><unit> pieces with units ms, s, m, h, d ("90s", "5m", "1h30m",
// "500ms", "1.5s"), or a bare integer meaning seconds ("30").
#pragma once

#include <chrono>
#include <string_view>

#include "api/status.h"

namespace labctl::api {

// BadRequest naming the text on anything else (empty, negative, unknown unit).
api::Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace labctl::api
