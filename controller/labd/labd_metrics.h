// labd's scrape-time metrics: Labs and Sessions by phase (the session queue's length is the
// Waiting count), the sizes of the store's files (labd.db and its WAL) and the process's own
// numbers (metrics/process_metrics.h). Read at each scrape of /metrics, so they cost nothing
// between scrapes; a scrape lists the Labs once (as a session-queue planning run does).
#pragma once

#include <string>
#include <vector>

#include "metrics/registry.h"
#include "store/store.h"

namespace labctl::server {

// Registers the collectors; they run while the returned handles live (not past `store`).
std::vector<metrics::CollectorHandle> AddLabdCollectors(const store::Store& store,
                                                        const std::string& data_dir);

}  // namespace labctl::server
