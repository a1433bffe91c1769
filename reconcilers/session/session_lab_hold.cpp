#include "reconcilers/session/session_lab_hold.h"

namespace labctl::reconcilers {

namespace {
constexpr int kMaxAttempts = 20;
}

api::Status SetLabHolder(store::Store& store, const std::string& lab, const std::string& holder,
                         api::TimePoint now) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto current = store.Get(api::Kind::kLab, lab);
    if (!current.ok()) return current.status();
    api::json updated = *current;
    api::json& status = updated["status"];
    if (!status.is_object()) status = api::json::object();
    std::string held = status.value("heldBy", "");
    if (held == holder) return api::Status::Ok();
    if (holder.empty()) {
      status.erase("heldBy");
      status["releasedAt"] = api::FormatTime(now);
    } else {
      status["heldBy"] = holder;
    }
    auto written = store.UpdateStatus(api::Kind::kLab, std::move(updated));
    if (written.ok()) return api::Status::Ok();
    if (written.status().code() != api::Code::kConflict) return written.status();
  }
  return api::Status::Conflict("lab " + lab + ": too many concurrent status writes");
}

api::Status EvictWarmLab(store::Store& store, const std::string& lab) {
  const std::string epoch = api::FormatTime(api::TimePoint{});
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto current = store.Get(api::Kind::kLab, lab);
    if (!current.ok()) return current.status();
    api::json updated = *current;
    api::json& status = updated["status"];
    if (!status.is_object() || !status.value("heldBy", "").empty()) return api::Status::Ok();
    if (status.value("releasedAt", "") == epoch) return api::Status::Ok();
    status["releasedAt"] = epoch;
    auto written = store.UpdateStatus(api::Kind::kLab, std::move(updated));
    if (written.ok()) return api::Status::Ok();
    if (written.status().code() != api::Code::kConflict) return written.status();
  }
  return api::Status::Conflict("lab " + lab + ": too many concurrent status writes");
}

}  // namespace labctl::reconcilers
