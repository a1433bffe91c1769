// Docker Engine API metrics: latency and errors of each call by operation, and reconnects of
// the event stream, in the process-wide registry (metrics/registry.h).
#pragma once

#include <chrono>
#include <string>

#include "metrics/registry.h"

namespace labctl::docker {

// The operation a request performs, with ids and names replaced so the label set stays small:
// ("GET", "/v1.41/containers/abc/json?x=1") -> "GET /containers/{id}/json".
std::string OperationOf(const std::string& method, const std::string& path);

// Registers the families, so a scrape lists them before the first call.
void RegisterDockerMetrics();

// Records one finished call: its latency, and an error when `code` is 0 (engine unreachable)
// or >= 400.
void RecordDockerCall(const std::string& operation, std::chrono::steady_clock::time_point start,
                      int code);

// The event stream was re-opened after it broke; `up` says whether the engine answers.
void RecordEventStreamReconnect();
void RecordEngineUp(bool up);

}  // namespace labctl::docker
