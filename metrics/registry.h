// Metrics registry: counters, gauges and histograms with labels, rendered in the Prometheus
// text exposition format (version 0.0.4) at labd's /metrics.
//
// One process-wide registry (Default()) that every layer may record into: it depends on nothing
// of labctl, so store/, drivers/ and reconcilers/ need not know controller/server. A family is
// registered once by name (registering it again returns the same family); its children, one per
// label-value tuple, live as long as the registry, so a call site may keep `family.With({...})`
// and record with one relaxed atomic operation and no lock. Histograms have fixed buckets.
// Values that are cheaper to read than to track (process RSS, file sizes, objects by phase) are
// set by collectors that run at each scrape. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace labctl::metrics {

// Label values, in the order of the family's label names.
using LabelValues = std::vector<std::string>;

class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds`: upper bounds of the buckets, ascending; +Inf is implicit.
  explicit Histogram(const std::vector<double>& bounds);
  void Observe(double value);
  // Observes the seconds since `start`.
  void ObserveSince(std::chrono::steady_clock::time_point start);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// Observes the seconds a scope took into a histogram.
class ScopedTimer {
 public:
  explicit ScopedTimer(Histogram& h) : h_(h), start_(std::chrono::steady_clock::now()) {}
  ~ScopedTimer() { h_.ObserveSince(start_); }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  Histogram& h_;
  std::chrono::steady_clock::time_point start_;
};

// Bucket sets shared by the call sites (seconds; counts).
extern const std::vector<double> kFastSeconds;  // 0.5 ms .. 10 s: store commits, API calls
extern const std::vector<double> kSlowSeconds;  // 0.1 s .. 1 h: bring-up, teardown, queue waits
extern const std::vector<double> kSizes;        // 1 .. 4096: batch sizes

enum class Type { kCounter, kGauge, kHistogram };

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::vector<std::string> labels, Type type)
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)), type_(type) {}
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  Type type() const { return type_; }
  // Appends HELP, TYPE and every child's samples.
  void Render(std::string& out) const;

 protected:
  virtual void RenderChildren(std::string& out) const = 0;
  std::string LabelText(const LabelValues& values, const std::string& extra = "") const;

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> labels_;
  const Type type_;
  mutable std::mutex mu_;  // guards the children map, never a value
};

template <class Metric>
class Family : public FamilyBase {
 public:
  using FamilyBase::FamilyBase;
  // The child for these label values (as many as the family has label names), created on
  // first use. The reference stays valid until Clear().
  Metric& With(const LabelValues& values = {});
  // Drops every child; only for families a collector fills afresh at each scrape.
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    children_.clear();
  }

 protected:
  void RenderChildren(std::string& out) const override;
  virtual std::unique_ptr<Metric> Make() const;

  std::map<LabelValues, std::unique_ptr<Metric>> children_;
};

class HistogramFamily : public Family<Histogram> {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> labels,
                  std::vector<double> bounds)
      : Family<Histogram>(std::move(name), std::move(help), std::move(labels), Type::kHistogram),
        bounds_(std::move(bounds)) {}

 protected:
  void RenderChildren(std::string& out) const override;
  std::unique_ptr<Histogram> Make() const override { return std::make_unique<Histogram>(bounds_); }

 private:
  const std::vector<double> bounds_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;

class Registry;

// Unregisters its collector when destroyed. Move-only.
class CollectorHandle {
 public:
  CollectorHandle() = default;
  CollectorHandle(Registry* registry, uint64_t id) : registry_(registry), id_(id) {}
  CollectorHandle(CollectorHandle&& other) noexcept { *this = std::move(other); }
  CollectorHandle& operator=(CollectorHandle&& other) noexcept;
  ~CollectorHandle();

 private:
  Registry* registry_ = nullptr;
  uint64_t id_ = 0;
};

class Registry {
 public:
  CounterFamily& Counter(const std::string& name, const std::string& help,
                         std::vector<std::string> labels = {});
  GaugeFamily& Gauge(const std::string& name, const std::string& help,
                     std::vector<std::string> labels = {});
  HistogramFamily& Histogram(const std::string& name, const std::string& help,
                             std::vector<std::string> labels, const std::vector<double>& bounds);

  // Runs `collect` at the start of every Render(), e.g. to set gauges read from /proc.
  [[nodiscard]] CollectorHandle AddCollector(std::function<void()> collect);
  void RemoveCollector(uint64_t id);

  // Runs the collectors, then renders every family, sorted by name.
  std::string Render();

 private:
  template <class F, class... Args>
  F& Register(const std::string& name, Type type, Args&&... args);

  std::mutex mu_;
  std::map<std::string, std::unique_ptr<FamilyBase>> families_;
  std::mutex collect_mu_;  // one scrape's collectors at a time
  std::map<uint64_t, std::function<void()>> collectors_;
  uint64_t next_collector_ = 1;
};

// The process-wide registry.
Registry& Default();

// The content type of Render()'s output.
inline constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace labctl::metrics
