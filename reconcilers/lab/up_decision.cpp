#include "reconcilers/lab/up_decision.h"

#include "api/lab_spec.h"
#include "api/warm_pool.h"

namespace labctl::reconcilers {

using api::json;

UpDecision DecideUp(const json& lab, api::TimePoint now) {
  if (api::Annotation(lab, kStoppedAnnotation) == "true") return {false, "Stopped", std::nullopt};
  const api::LabSpec spec = api::ReadLabObjectSpec(lab);
  const json status = lab.value("status", json::object());
  const bool held = !status.value("heldBy", "").empty();
  // Its spares run instead (docs/hosts.md, warm pools); held only by a Session from before.
  if (api::WarmPoolSize(lab) > 0 && !held) return {false, "WarmPoolTemplate", std::nullopt};
  if (spec.run_policy == "Always") return {true, "Always", std::nullopt};
  if (held) return {true, "Held", std::nullopt};
  const int idle = spec.idle_timeout_seconds;
  api::TimePoint released;
  if (idle > 0 && api::ParseTime(status.value("releasedAt", ""), &released)) {
    auto until = released + std::chrono::seconds(idle);
    if (now < until)
      return {true, "KeepWarm",
              std::chrono::duration_cast<std::chrono::milliseconds>(until - now) +
                  std::chrono::milliseconds(100)};
    return {false, "IdleTimeout", std::nullopt};
  }
  return {false, "NotHeld", std::nullopt};
}

}  // namespace labctl::reconcilers
