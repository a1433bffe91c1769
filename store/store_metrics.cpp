#include "store/store_metrics.h"

namespace labctl::store {

StoreMetrics& StoreMetrics::Get() {
  static StoreMetrics* m = [] {
    auto& r = metrics::Default();
    auto& gone = r.Counter("labd_watch_gone_total",
                           "Watches ended or refused with 410 Gone, by reason (fell_behind: the "
                           "reader did not keep up with its buffer; too_old: the revision was "
                           "compacted away).",
                           {"reason"});
    return new StoreMetrics{
        r.Histogram("labd_store_commit_duration_seconds",
                    "Time of one store transaction commit (a batch of writes).", {},
                    metrics::kFastSeconds)
            .With(),
        r.Histogram("labd_store_batch_size", "Write requests committed together in one batch.", {},
                    metrics::kSizes)
            .With(),
        r.Counter("labd_store_commit_errors_total", "Store commits that failed.").With(),
        gone.With({"fell_behind"}),
        gone.With({"too_old"}),
        r.Counter("labd_watch_events_dropped_total",
                  "Watch events discarded when a watcher that fell behind was closed.")
            .With(),
    };
  }();
  return *m;
}

}  // namespace labctl::store
