#include "metrics/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace labctl::metrics {
namespace {

const char* TypeName(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// Label values and HELP text escape backslash and newline; label values also the double quote.
std::string Escape(const std::string& text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quote)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  return fmt::format("{}", v);
}

}  // namespace

const std::vector<double> kFastSeconds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                          0.1,    0.25,  0.5,    1,     2.5,  5,     10};
const std::vector<double> kSlowSeconds = {0.1, 0.25, 0.5, 1,   2.5, 5,    10,  30,
                                          60,  120,  300, 600, 900, 1800, 3600};
const std::vector<double> kSizes = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096};

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), counts_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

void Histogram::ObserveSince(std::chrono::steady_clock::time_point start) {
  Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.bounds = bounds_;
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(total);
  }
  s.count = total;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

void FamilyBase::Render(std::string& out) const {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name_, Escape(help_, false), name_,
                     TypeName(type_));
  RenderChildren(out);
}

std::string FamilyBase::LabelText(const LabelValues& values, const std::string& extra) const {
  std::string text;
  for (size_t i = 0; i < labels_.size() && i < values.size(); ++i) {
    if (!text.empty()) text += ',';
    text += labels_[i] + "=\"" + Escape(values[i], true) + "\"";
  }
  if (!extra.empty()) text += (text.empty() ? "" : ",") + extra;
  return text.empty() ? "" : "{" + text + "}";
}

template <class Metric>
Metric& Family<Metric>::With(const LabelValues& values) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& child = children_[values];
  if (!child) {
    if (values.size() != labels_.size())
      throw std::invalid_argument("metric " + name_ + ": wrong number of label values");
    child = Make();
  }
  return *child;
}

template <class Metric>
void Family<Metric>::RenderChildren(std::string& out) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, metric] : children_)
    out += fmt::format("{}{} {}\n", name_, LabelText(values), Number(metric->value()));
}

template <class Metric>
std::unique_ptr<Metric> Family<Metric>::Make() const {
  return std::make_unique<Metric>();
}

// Histograms are made and rendered by HistogramFamily, which knows their buckets.
template <>
void Family<Histogram>::RenderChildren(std::string&) const {}
template <>
std::unique_ptr<Histogram> Family<Histogram>::Make() const {
  return nullptr;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

void HistogramFamily::RenderChildren(std::string& out) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, histogram] : children_) {
    Histogram::Snapshot s = histogram->Read();
    for (size_t i = 0; i <= s.bounds.size(); ++i) {
      std::string le = "le=\"" + (i < s.bounds.size() ? Number(s.bounds[i]) : "+Inf") + "\"";
      out += fmt::format("{}_bucket{} {}\n", name_, LabelText(values, le), s.cumulative[i]);
    }
    out += fmt::format("{}_sum{} {}\n", name_, LabelText(values), Number(s.sum));
    out += fmt::format("{}_count{} {}\n", name_, LabelText(values), s.count);
  }
}

CollectorHandle& CollectorHandle::operator=(CollectorHandle&& other) noexcept {
  if (this != &other) {
    if (registry_) registry_->RemoveCollector(id_);
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

CollectorHandle::~CollectorHandle() {
  if (registry_) registry_->RemoveCollector(id_);
}

template <class F, class... Args>
F& Registry::Register(const std::string& name, Type type, Args&&... args) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& family = families_[name];
  if (!family) family = std::make_unique<F>(name, std::forward<Args>(args)...);
  if (family->type() != type)
    throw std::invalid_argument("metric " + name + " registered with two types");
  return static_cast<F&>(*family);
}

CounterFamily& Registry::Counter(const std::string& name, const std::string& help,
                                 std::vector<std::string> labels) {
  return Register<CounterFamily>(name, Type::kCounter, help, std::move(labels), Type::kCounter);
}

GaugeFamily& Registry::Gauge(const std::string& name, const std::string& help,
                             std::vector<std::string> labels) {
  return Register<GaugeFamily>(name, Type::kGauge, help, std::move(labels), Type::kGauge);
}

HistogramFamily& Registry::Histogram(const std::string& name, const std::string& help,
                                     std::vector<std::string> labels,
                                     const std::vector<double>& bounds) {
  return Register<HistogramFamily>(name, Type::kHistogram, help, std::move(labels), bounds);
}

CollectorHandle Registry::AddCollector(std::function<void()> collect) {
  std::lock_guard<std::mutex> lock(collect_mu_);
  uint64_t id = next_collector_++;
  collectors_.emplace(id, std::move(collect));
  return CollectorHandle(this, id);
}

void Registry::RemoveCollector(uint64_t id) {
  std::lock_guard<std::mutex> lock(collect_mu_);
  collectors_.erase(id);
}

std::string Registry::Render() {
  {
    std::lock_guard<std::mutex> lock(collect_mu_);
    for (auto& [id, collect] : collectors_) collect();
  }
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, family] : families_) family->Render(out);
  return out;
}

Registry& Default() {
  static Registry* registry = new Registry();  // never destroyed: threads may record at exit
  return *registry;
}

}  // namespace labctl::metrics
