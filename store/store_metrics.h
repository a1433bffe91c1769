// The store's metrics in the process-wide registry (metrics/registry.h): commit latency and
// batch size of the writer thread, and watches ended with 410 Gone.
#pragma once

#include "metrics/registry.h"

namespace labctl::store {

struct StoreMetrics {
  static StoreMetrics& Get();

  metrics::Histogram& commit_seconds;
  metrics::Histogram& batch_size;
  metrics::Counter& commit_errors;
  metrics::Counter& watch_fell_behind;     // watchers closed with 410: their reader was too slow
  metrics::Counter& watch_too_old;         // watches refused with 410: revision compacted away
  metrics::Counter& watch_events_dropped;  // events discarded with those watchers
};

}  // namespace labctl::store
