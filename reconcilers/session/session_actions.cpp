#include "reconcilers/session/session_actions.h"

#include <spdlog/spdlog.h>

#include "api/session_ownership.h"
#include "reconcilers/session/session_queue.h"
#include "reconcilers/session/session_reconciler.h"

namespace labctl::reconcilers {

namespace {

constexpr int kMaxAttempts = 20;

}  // namespace

SessionActions::SessionActions(store::Store& store, const api::Clock& clock,
                               SessionReconciler* reconciler, runtime::EventRecorder* events)
    : store_(store), clock_(clock), reconciler_(reconciler), events_(events) {}

api::Result<api::json> SessionActions::Heartbeat(const std::string& name,
                                                 const api::Principal& who) {
  return WriteHeartbeat(name, &who);
}

api::Result<api::json> SessionActions::Touch(const std::string& name) {
  return WriteHeartbeat(name, nullptr);
}

api::Result<api::json> SessionActions::WriteHeartbeat(const std::string& name,
                                                      const api::Principal* who) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto current = store_.Get(api::Kind::kSession, name);
    if (!current.ok()) return current.status();
    if (who) LABCTL_RETURN_IF_ERROR(api::CheckMayActOnSession(*who, *current));
    std::string ph = PhaseOf(*current);
    if (IsFinishedPhase(ph))
      return api::Status::Conflict("session " + name + " is " + ph + ", not Waiting or Active");
    const api::TimePoint now = clock_.Now();
    const api::json* stored = api::FieldAt(*current, "status", "lastHeartbeatTime");
    api::TimePoint last;
    if (stored && stored->is_string() &&
        api::ParseTime(stored->get_ref<const std::string&>(), &last) &&
        now - last < HeartbeatWriteInterval(*current))
      return current;  // recent enough: no write (session_queue.h)
    api::json updated = *current;
    updated["status"]["lastHeartbeatTime"] = api::FormatTime(now);
    auto written = store_.UpdateStatus(api::Kind::kSession, std::move(updated));
    if (written.ok() || written.status().code() != api::Code::kConflict) return written;
  }
  return api::Status::Conflict("session " + name + ": too many concurrent writes");
}

api::Result<api::json> SessionActions::Release(const std::string& name, const api::Principal& who) {
  if (!reconciler_) return WriteRelease(name, who, nullptr);
  // The queue's lock is held from the release's write to the hand-over (promote the next waiter
  // before answering), so no other run plans in between: the hand-over plans what the release
  // changed (SessionReconciler::ReleaseAndHandOver).
  return reconciler_->ReleaseAndHandOver(
      name, [&](bool* wrote) { return WriteRelease(name, who, wrote); });
}

api::Result<api::json> SessionActions::WriteRelease(const std::string& name,
                                                    const api::Principal& who, bool* wrote) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto current = store_.Get(api::Kind::kSession, name);
    if (!current.ok()) return current.status();
    LABCTL_RETURN_IF_ERROR(api::CheckMayActOnSession(who, *current));
    std::string ph = PhaseOf(*current);
    if (IsFinishedPhase(ph)) return current;
    api::json updated = *current;
    bool active = ph == phase::kActive;
    FinishSession(updated["status"], api::Generation(updated),
                  active ? phase::kReleased : phase::kCancelled, "Released",
                  active ? "released by " + (who.user.empty() ? std::string("client") : who.user)
                         : "cancelled while waiting",
                  clock_.Now());
    // The finalizer only guards a delete of an Active session; a finished one is let go in the
    // same write. No Event: the Session's status says who released it and when.
    bool edited = !api::IsBeingDeleted(updated) && SetSessionFinalizer(updated, false);
    auto written = edited ? store_.Replace(api::Kind::kSession, std::move(updated))
                          : store_.UpdateStatus(api::Kind::kSession, std::move(updated));
    if (!written.ok() && written.status().code() == api::Code::kConflict) continue;
    if (!written.ok()) return written;
    spdlog::info("session released session={} user={}", name, who.user.empty() ? "-" : who.user);
    if (wrote) *wrote = true;
    return written;
  }
  return api::Status::Conflict("session " + name + ": too many concurrent writes");
}

api::Result<api::json> SessionActions::Admit(api::json session) {
  if (!reconciler_) return store_.Create(api::Kind::kSession, std::move(session));
  return reconciler_->Admit(std::move(session));
}

void SessionActions::ReconcileNow() {
  if (!reconciler_) return;
  auto result = reconciler_->PromoteNow();
  if (!result.status.ok())
    spdlog::warn("session queue reconcile after action failed: {}", result.status.ToString());
}

}  // namespace labctl::reconcilers
