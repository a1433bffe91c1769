#include "reconcilers/lab/lab_handover.h"

#include "api/warm_pool.h"

namespace labctl::reconcilers {

using api::json;

namespace {

std::optional<std::string> PreparedFor(const json& lab) {
  const json status = lab.value("status", json::object());
  if (!status.is_object() || !status.contains(kPreparedForField) ||
      !status[kPreparedForField].is_string())
    return std::nullopt;
  return status[kPreparedForField].get<std::string>();
}

std::string HeldBy(const json& lab) {
  const json status = lab.value("status", json::object());
  return status.is_object() ? status.value("heldBy", "") : "";
}

}  // namespace

HandOverPlan PlanHandOver(const json& lab, bool fresh) {
  const std::string holder = HeldBy(lab);
  const auto prepared = PreparedFor(lab);
  if (fresh || !prepared) return {holder, ""};
  // A warm pool's spare nobody held yet is as it was brought up: nothing may act on it before
  // its first Session (controller/server/action_routes.cpp), so it needs no reset.
  if (prepared->empty() && !api::PoolTemplateOf(lab).empty()) return {holder, ""};
  if (!holder.empty() && *prepared != holder) return {holder, holder};
  return {};
}

bool LabPreparedFor(const json& lab, const std::string& session) {
  const auto prepared = PreparedFor(lab);
  return !prepared || *prepared == session;
}

}  // namespace labctl::reconcilers
