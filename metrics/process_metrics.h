// Process metrics: resident and virtual memory, threads, open and maximum file descriptors and
// the start time of this process, read from /proc/self at each scrape (Linux), under the
// names Prometheus' client libraries use (process_*).
#pragma once

#include "metrics/registry.h"

namespace labctl::metrics {

// Registers the collector in `registry`; the process metrics exist while the handle lives.
[[nodiscard]] CollectorHandle AddProcessCollector(Registry& registry);

}  // namespace labctl::metrics
