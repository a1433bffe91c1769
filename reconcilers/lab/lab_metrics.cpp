#include "reconcilers/lab/lab_metrics.h"

#include "metrics/registry.h"

namespace labctl::reconcilers {
namespace {

using api::json;

std::string ProviderOf(const json& lab) {
  const json spec = lab.value("spec", json::object());
  return spec.is_object() ? spec.value("provider", "docker") : "docker";
}

bool ReadyIn(const json& status) {
  if (!status.is_object() || !status.contains("conditions")) return false;
  for (const auto& c : status["conditions"])
    if (c.is_object() && c.value("type", "") == "Ready") return c.value("status", "") == "True";
  return false;
}

// When the Lab started its way up: the Ready condition's last transition (to False), else its
// creation.
std::string UpSince(const json& lab, const json& before) {
  if (before.is_object() && before.contains("conditions"))
    for (const auto& c : before["conditions"])
      if (c.is_object() && c.value("type", "") == "Ready") return c.value("lastTransitionTime", "");
  return lab.value("metadata", json::object()).value("creationTimestamp", "");
}

void ObserveSince(metrics::HistogramFamily& family, const json& lab, const std::string& since,
                  api::TimePoint now) {
  api::TimePoint start;
  if (since.empty() || !api::ParseTime(since, &start) || start > now) return;
  family.With({ProviderOf(lab)}).Observe(std::chrono::duration<double>(now - start).count());
}

metrics::HistogramFamily& Bringup() {
  static auto& family = metrics::Default().Histogram(
      "labd_lab_bringup_duration_seconds",
      "Time from a Lab's creation (or its start after being stopped) to Ready, by provider.",
      {"provider"}, metrics::kSlowSeconds);
  return family;
}

metrics::HistogramFamily& Teardown() {
  static auto& family = metrics::Default().Histogram(
      "labd_lab_teardown_duration_seconds",
      "Time from a Lab's delete request to the removal of its last Docker object, by provider.",
      {"provider"}, metrics::kSlowSeconds);
  return family;
}

}  // namespace

void RegisterLabMetrics() {
  Bringup();
  Teardown();
}

void RecordLabStatusChange(const json& lab, const json& before, const json& after,
                           api::TimePoint now) {
  if (ReadyIn(before) || !ReadyIn(after)) return;
  if (before.is_object() && before.value("phase", "") == "Degraded") return;
  ObserveSince(Bringup(), lab, UpSince(lab, before), now);
}

void RecordLabTeardown(const json& lab, api::TimePoint now) {
  ObserveSince(Teardown(), lab,
               lab.value("metadata", json::object()).value("deletionTimestamp", ""), now);
}

}  // namespace labctl::reconcilers
