#include "controller/runtime/controller.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "controller/runtime/informer.h"
#include "controller/runtime/work_queue.h"
#include "metrics/registry.h"

namespace labctl::runtime {

namespace {
// Pause before re-opening a watch that ended, so a failing store is not hammered.
constexpr std::chrono::milliseconds kRewatchDelay{500};

// A controller's series in the process-wide registry, labelled with its name.
struct ControllerMetrics {
  explicit ControllerMetrics(const std::string& name)
      : reconcile_seconds(metrics::Default()
                              .Histogram("labd_reconcile_duration_seconds",
                                         "Time of one Reconcile call, by controller.",
                                         {"controller"}, metrics::kFastSeconds)
                              .With({name})),
        errors(metrics::Default()
                   .Counter("labd_reconcile_errors_total",
                            "Reconcile calls that failed (error or exception), by controller.",
                            {"controller"})
                   .With({name})),
        retries(metrics::Default()
                    .Counter("labd_workqueue_retries_total",
                             "Keys put back on a controller's work queue with back-off.",
                             {"controller"})
                    .With({name})),
        depth(metrics::Default()
                  .Gauge("labd_workqueue_depth",
                         "Keys ready on a controller's work queue, waiting for a worker.",
                         {"controller"})
                  .With({name})) {}
  metrics::Histogram& reconcile_seconds;
  metrics::Counter& errors;
  metrics::Counter& retries;
  metrics::Gauge& depth;
};
}  // namespace

struct Controller::Impl {
  Impl(store::Store& s, api::Kind k, Reconciler& r, ControllerOptions o)
      : store(s),
        kind(k),
        reconciler(r),
        options(std::move(o)),
        clock(options.clock ? *options.clock : api::SystemSteadyClock::Instance()),
        queue(options.backoff_base, options.backoff_max, clock),
        recorded(options.name),
        depth_collector(metrics::Default().AddCollector(
            [this] { recorded.depth.Set(static_cast<double>(queue.Len())); })) {}

  void RunWorker();
  void ReconcileOne(const std::string& key);
  void RunResync();

  store::Store& store;
  const api::Kind kind;
  Reconciler& reconciler;
  const ControllerOptions options;
  const api::SteadyClock& clock;
  WorkQueue queue;
  ControllerMetrics recorded;
  metrics::CollectorHandle depth_collector;  // after `queue`, which it reads: destroyed first
  std::vector<std::pair<api::Kind, Mapper>> secondary;
  Mapper primary;  // empty: keys are object names
  LiveFilter primary_filter;
  std::vector<std::unique_ptr<Informer>> informers;
  std::vector<std::thread> workers;
  std::thread resync_thread;

  std::mutex mu;
  std::condition_variable stop_cv;
  api::ClockWaker resync_waker{clock, mu, stop_cv};
  api::SteadyTime next_resync;  // set by Start(); then guarded by mu
  bool started = false;
  bool stopping = false;
};

Controller::Controller(store::Store& store, api::Kind kind, Reconciler& reconciler,
                       ControllerOptions options)
    : impl_(std::make_unique<Impl>(store, kind, reconciler, std::move(options))) {}

Controller::~Controller() { Stop(); }

void Controller::WatchAlso(api::Kind kind, Mapper mapper) {
  impl_->secondary.emplace_back(kind, std::move(mapper));
}

void Controller::MapPrimary(Mapper mapper, LiveFilter live_filter) {
  impl_->primary = std::move(mapper);
  impl_->primary_filter = std::move(live_filter);
}

void Controller::Start() {
  Impl& m = *impl_;
  {
    std::lock_guard<std::mutex> l(m.mu);
    if (m.started || m.stopping) return;
    m.started = true;
  }
  const std::string& name = m.options.name;
  m.informers.push_back(std::make_unique<Informer>(m.store, m.kind, m.primary, m.queue, name,
                                                   kRewatchDelay, m.primary_filter));
  for (auto& [kind, mapper] : m.secondary) {
    m.informers.push_back(
        std::make_unique<Informer>(m.store, kind, mapper, m.queue, name, kRewatchDelay));
  }
  for (auto& informer : m.informers) informer->Start();
  int workers = m.options.workers < 1 ? 1 : m.options.workers;
  for (int i = 0; i < workers; ++i) m.workers.emplace_back([&m] { m.RunWorker(); });
  m.next_resync = m.clock.Steady() + m.options.resync;
  m.resync_thread = std::thread([&m] { m.RunResync(); });
  spdlog::info("controller={} kind={} workers={} msg=\"started\"", name, api::KindName(m.kind),
               workers);
}

void Controller::Stop() {
  Impl& m = *impl_;
  {
    std::lock_guard<std::mutex> l(m.mu);
    if (m.stopping) return;
    m.stopping = true;
    m.stop_cv.notify_all();
  }
  for (auto& informer : m.informers) informer->Stop();
  m.queue.ShutDown();
  for (auto& worker : m.workers) worker.join();
  if (m.resync_thread.joinable()) m.resync_thread.join();
  if (m.started) spdlog::info("controller={} msg=\"stopped\"", m.options.name);
}

void Controller::Enqueue(const std::string& name) { impl_->queue.Add(name); }

void Controller::EnqueueAfter(const std::string& name, std::chrono::milliseconds delay) {
  impl_->queue.AddAfter(name, delay);
}

void Controller::Impl::RunWorker() {
  std::string key;
  while (queue.Get(&key)) {
    ReconcileOne(key);
    queue.Done(key);
  }
}

void Controller::Impl::ReconcileOne(const std::string& key) {
  ReconcileResult result;
  metrics::ScopedTimer timer(recorded.reconcile_seconds);
  try {
    result = reconciler.Reconcile(key);
  } catch (const std::exception& e) {
    result =
        ReconcileResult::Error(api::Status::Internal(std::string("reconcile threw: ") + e.what()));
  } catch (...) {
    result = ReconcileResult::Error(api::Status::Internal("reconcile threw a non-exception"));
  }
  if (!result.status.ok()) {
    recorded.errors.Inc();
    recorded.retries.Inc();
    std::chrono::milliseconds delay = queue.AddRateLimited(key);
    spdlog::warn("controller={} key={} error=\"{}\" failures={} retry_in_ms={}", options.name, key,
                 result.status.ToString(), queue.Failures(key), delay.count());
    return;
  }
  queue.Forget(key);
  if (result.requeue_after) queue.AddAfter(key, *result.requeue_after);
}

void Controller::Impl::RunResync() {
  for (;;) {
    {
      std::unique_lock<std::mutex> l(mu);
      while (!stopping && clock.Steady() < next_resync)
        api::WaitUntil(clock, stop_cv, l, next_resync);
      if (stopping) return;
      // The schedule is anchored at Start(), not at when this thread got to run; after a stall
      // it skips the missed rounds rather than running them back to back.
      next_resync += options.resync;
      if (next_resync <= clock.Steady()) next_resync = clock.Steady() + options.resync;
    }
    store::ListResult list = store.List(kind);
    for (const api::json& object : list.items) {
      if (!primary) {
        queue.Add(api::Name(object));
        continue;
      }
      for (const std::string& key : primary(object)) queue.Add(key);
    }
    spdlog::debug("controller={} msg=\"resync\" keys={}", options.name, list.items.size());
  }
}

}  // namespace labctl::runtime
