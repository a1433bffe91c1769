#include "reconcilers/session/session_lab_hold.h"

namespace labctl::reconcilers {

namespace {
constexpr int kMaxAttempts = 20;
}

api::Status EditLabStatus(store::Store& store, const std::string& lab,
                          const std::function<bool(api::json& status)>& edit) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto current = store.Get(api::Kind::kLab, lab);
    if (!current.ok()) return current.status();
    api::json updated = *current;
    api::json& status = updated["status"];
    if (!status.is_object()) status = api::json::object();
    if (!edit(status)) return api::Status::Ok();
    auto written = store.UpdateStatus(api::Kind::kLab, std::move(updated));
    if (written.ok()) return api::Status::Ok();
    if (written.status().code() != api::Code::kConflict) return written.status();
  }
  return api::Status::Conflict("lab " + lab + ": too many concurrent status writes");
}

api::Status SetLabHolder(store::Store& store, const std::string& lab, const std::string& holder,
                         api::TimePoint now) {
  return EditLabStatus(store, lab, [&](api::json& status) {
    if (status.value("heldBy", "") == holder) return false;
    if (holder.empty()) {
      status.erase("heldBy");
      status["releasedAt"] = api::FormatTime(now);
    } else {
      status["heldBy"] = holder;
    }
    return true;
  });
}

api::Status EvictWarmLab(store::Store& store, const std::string& lab) {
  const std::string epoch = api::FormatTime(api::TimePoint{});
  return EditLabStatus(store, lab, [&](api::json& status) {
    if (!status.value("heldBy", "").empty()) return false;
    if (status.value("releasedAt", "") == epoch) return false;
    status["releasedAt"] = epoch;
    return true;
  });
}

}  // namespace labctl::reconcilers
