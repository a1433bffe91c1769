#include "reconcilers/host/host_placer.h"

#include <spdlog/spdlog.h>

#include <set>

#include "api/host_placement.h"

namespace labctl::reconcilers {

using api::json;

namespace {

std::vector<json> Items(const store::ListResult& list) { return list.items; }

// A lab that wants to be up: held by a session, or runPolicy Always.
bool WantsUp(const json& lab) {
  const json status = lab.value("status", json::object());
  if (status.is_object() && !status.value("heldBy", "").empty()) return true;
  const json spec = lab.value("spec", json::object());
  return spec.is_object() && spec.value("runPolicy", "") == "Always";
}

}  // namespace

api::Status HostPlacer::WriteHost(const std::string& lab, const std::string& host) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto current = store_.Get(api::Kind::kLab, lab);
    if (!current.ok()) return current.status();
    if (api::LabHost(*current) == host) return api::Status::Ok();
    json updated = *current;
    if (host.empty())
      updated["status"].erase("host");
    else
      updated["status"]["host"] = host;
    auto written = store_.UpdateStatus(api::Kind::kLab, std::move(updated));
    if (written.ok()) return api::Status::Ok();
    if (written.status().code() != api::Code::kConflict) return written.status();
  }
  return api::Status::Conflict("lab " + lab + ": status kept changing under us");
}

api::Result<LabPlacement> HostPlacer::Place(const json& lab) {
  if (!api::LabHost(lab).empty()) return LabPlacement{lab, ""};
  std::lock_guard<std::mutex> l(mu_);
  auto loads =
      api::HostLoads(Items(store_.List(api::Kind::kHost)), Items(store_.List(api::Kind::kLab)));
  api::Placement placement = api::PlaceLab(lab, loads);
  if (placement.host.empty()) return LabPlacement{std::nullopt, placement.why_not};
  LABCTL_RETURN_IF_ERROR(WriteHost(api::Name(lab), placement.host));
  spdlog::info("lab={} placed host={}", api::Name(lab), placement.host);
  auto placed = store_.Get(api::Kind::kLab, api::Name(lab));
  if (!placed.ok()) return placed.status();
  return LabPlacement{*placed, ""};
}

api::Status HostPlacer::Release(const std::string& lab) {
  std::lock_guard<std::mutex> l(mu_);
  auto current = store_.Get(api::Kind::kLab, lab);
  if (!current.ok() || api::LabHost(*current).empty()) return api::Status::Ok();
  spdlog::info("lab={} released host={}", lab, api::LabHost(*current));
  return WriteHost(lab, "");
}

std::string HostPlacer::WaitReason(const std::string& lab,
                                   const std::vector<std::string>& admitted) {
  std::lock_guard<std::mutex> l(mu_);
  auto target = store_.Get(api::Kind::kLab, lab);
  if (!target.ok()) return "";  // the queue reports a missing lab itself
  if (!api::LabHost(*target).empty()) return "";
  std::vector<json> labs = Items(store_.List(api::Kind::kLab));
  auto loads = api::HostLoads(Items(store_.List(api::Kind::kHost)), labs);
  // Labs that will take a place first: those wanting to be up and not placed yet, then those
  // promoted ahead.
  std::set<std::string> ahead(admitted.begin(), admitted.end());
  for (const auto& other : labs)
    if (api::Name(other) != lab && api::LabHost(other).empty() &&
        (WantsUp(other) || ahead.count(api::Name(other))))
      (void)api::PlaceLab(other, loads);
  return api::PlaceLab(*target, loads).why_not;
}

}  // namespace labctl::reconcilers
