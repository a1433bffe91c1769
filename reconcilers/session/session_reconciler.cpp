#include "reconcilers/session/session_reconciler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "reconcilers/session/session_lab_hold.h"

namespace labctl::reconcilers {

namespace {

constexpr int kMaxReplans = 8;

bool IsConflict(const api::Status& s) { return s.code() == api::Code::kConflict; }
bool IsNotFound(const api::Status& s) { return s.code() == api::Code::kNotFound; }

}  // namespace

SessionReconciler::SessionReconciler(store::Store& store, const api::Clock& clock,
                                     runtime::EventRecorder* events,
                                     SessionReconcilerOptions options)
    : store_(store), clock_(clock), events_(events), options_(options), creation_order_(store) {
  if (options_.slots < 1) options_.slots = 1;
}

runtime::Controller::Mapper SessionReconciler::QueueMapper() {
  return [](const json&) { return std::vector<std::string>{kQueueKey}; };
}

runtime::ReconcileResult SessionReconciler::Reconcile(const std::string&) {
  std::lock_guard<std::mutex> lock(mu_);
  api::TimePoint now = clock_.Now();
  bool nothing_due = !quiet_deadline_ || now < *quiet_deadline_;
  if (quiet_revision_ != 0 && store_.Revision() == quiet_revision_ && nothing_due) {
    if (!quiet_deadline_) return runtime::ReconcileResult::Done();
    return runtime::ReconcileResult::After(
        std::chrono::duration_cast<std::chrono::milliseconds>(*quiet_deadline_ - now));
  }
  std::optional<api::TimePoint> next;
  for (int attempt = 0; attempt < kMaxReplans; ++attempt) {
    bool wrote = false;
    api::Status err;
    Outcome outcome = ApplyOnce(&next, &wrote, &err);
    if (!err.ok()) {
      quiet_revision_ = 0;
      return runtime::ReconcileResult::Error(err);
    }
    if (outcome == Outcome::kConflict) continue;
    if (wrote) quiet_revision_ = 0;
    if (!next) return runtime::ReconcileResult::Done();
    auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(*next - clock_.Now());
    return runtime::ReconcileResult::After(std::max(delay, std::chrono::milliseconds(1)) +
                                           std::chrono::milliseconds(5));
  }
  quiet_revision_ = 0;
  return runtime::ReconcileResult::Error(api::Status::Conflict("session queue: write conflicts"));
}

SessionReconciler::Outcome SessionReconciler::ApplyOnce(std::optional<api::TimePoint>* next,
                                                        bool* wrote, api::Status* err) {
  api::TimePoint now = clock_.Now();
  store::SharedList sessions = store_.ListShared(api::Kind::kSession);
  std::map<std::string, json> labs;
  for (auto& lab : store_.List(api::Kind::kLab).items) labs.emplace(api::Name(lab), std::move(lab));

  auto planning = std::chrono::steady_clock::now();
  std::optional<api::TimePoint> idle_deadline;
  auto planned = PlannedSessions(sessions.items, now, &idle_deadline);
  creation_order_.CatchUp(sessions.revision);
  for (const auto& s : planned)
    if (s->contains("status") && (*s)["status"].contains("queuedRevision"))
      creation_order_.Forget(api::Name(*s));
  QueueConfig config{options_.slots, options_.labd_start,
                     [this](const std::string& name) { return creation_order_.CreatedAt(name); }};
  QueuePlan plan = PlanQueue(planned, labs, config, now);
  spdlog::debug("session queue planned sessions={} idle={} status_updates={} plan_us={}",
                planned.size(), idle_.size(), plan.status_updates.size(),
                std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - planning)
                    .count());
  if (idle_deadline && (!plan.next_deadline || *idle_deadline < *plan.next_deadline))
    plan.next_deadline = idle_deadline;
  *next = plan.next_deadline;
  *wrote = !plan.status_updates.empty() || !plan.add_finalizer.empty() ||
           !plan.remove_finalizer.empty() || !plan.garbage.empty() || !plan.lab_holds.empty() ||
           !plan.evict_warm.empty();
  if (!*wrote) {
    quiet_revision_ = sessions.revision;
    quiet_deadline_ = plan.next_deadline;
    return Outcome::kDone;
  }
  if (WriteStatuses(plan, err) == Outcome::kConflict) return Outcome::kConflict;
  if (!err->ok()) return Outcome::kDone;
  RecordEvents(plan);

  bool conflict = false;
  auto check = [&](const api::Status& s) {
    if (s.ok() || IsNotFound(s)) return;
    if (IsConflict(s))
      conflict = true;
    else if (err->ok())
      *err = s;
  };
  for (const auto& name : plan.add_finalizer) check(EditFinalizer(name, true));
  for (const auto& hold : plan.lab_holds) {
    spdlog::info("session lab hold lab={} holder={}", hold.lab,
                 hold.holder.empty() ? "-" : hold.holder);
    check(SetLabHolder(store_, hold.lab, hold.holder, now));
  }
  for (const auto& lab : plan.evict_warm) {
    spdlog::info("session queue ends keep-warm lab={} reason=slot-needed", lab);
    check(EvictWarmLab(store_, lab));
  }
  for (const auto& name : plan.remove_finalizer) check(EditFinalizer(name, false));
  for (const auto& name : plan.garbage) {
    spdlog::info("session garbage-collected session={}", name);
    check(store_.Delete(api::Kind::kSession, name).status());
  }
  return conflict ? Outcome::kConflict : Outcome::kDone;
}

std::vector<std::shared_ptr<const json>> SessionReconciler::PlannedSessions(
    const std::vector<std::shared_ptr<const json>>& all, api::TimePoint now,
    std::optional<api::TimePoint>* idle_deadline) {
  std::vector<std::shared_ptr<const json>> planned;
  std::unordered_map<const json*, Idle> idle;
  for (const auto& s : all) {
    auto known = idle_.find(s.get());
    std::optional<api::TimePoint> until =
        known != idle_.end() ? std::optional(known->second.until) : IdleUntil(*s);
    if (!until || *until <= now) {
      planned.push_back(s);
      continue;
    }
    idle.emplace(s.get(), Idle{s, *until});
    if (!*idle_deadline || *until < **idle_deadline) *idle_deadline = *until;
  }
  idle_ = std::move(idle);
  return planned;
}

// Promotions are written first, one by one, so the next holder's watch sees Active as early as
// possible; the rest (positions of every waiter, finished sessions) share one commit.
SessionReconciler::Outcome SessionReconciler::WriteStatuses(const QueuePlan& plan,
                                                            api::Status* err) {
  for (size_t i = 0; i < plan.promotions; ++i) {
    auto written = store_.UpdateStatus(api::Kind::kSession, plan.status_updates[i]);
    if (written.ok() || IsNotFound(written.status())) continue;
    if (!IsConflict(written.status())) {
      *err = written.status();
      return Outcome::kDone;
    }
    // A promotion that did not land must not be followed by its lab hold: re-plan at once.
    return Outcome::kConflict;
  }
  std::vector<json> rest(plan.status_updates.begin() + static_cast<long>(plan.promotions),
                         plan.status_updates.end());
  if (rest.empty()) return Outcome::kDone;
  bool conflict = false;
  for (const auto& written : store_.UpdateStatuses(api::Kind::kSession, std::move(rest))) {
    if (written.ok() || IsNotFound(written.status())) continue;
    if (!IsConflict(written.status())) {
      *err = written.status();
      return Outcome::kDone;
    }
    conflict = true;
  }
  return conflict ? Outcome::kConflict : Outcome::kDone;
}

api::Status SessionReconciler::EditFinalizer(const std::string& name, bool add) {
  for (int attempt = 0; attempt < kMaxReplans; ++attempt) {
    auto current = store_.Get(api::Kind::kSession, name);
    if (!current.ok()) return current.status();
    json updated = *current;
    json& finalizers = updated["metadata"]["finalizers"];
    if (!finalizers.is_array()) finalizers = json::array();
    bool has = api::HasFinalizer(updated, kSessionFinalizer);
    if (has == add) return api::Status::Ok();
    if (add) {
      finalizers.push_back(kSessionFinalizer);
    } else {
      json kept = json::array();
      for (const auto& f : finalizers)
        if (f != kSessionFinalizer) kept.push_back(f);
      finalizers = kept;
    }
    auto written = store_.Update(api::Kind::kSession, std::move(updated));
    if (written.ok()) return api::Status::Ok();
    if (!IsConflict(written.status())) return written.status();
  }
  return api::Status::Conflict("session " + name + ": finalizer update kept conflicting");
}

void SessionReconciler::RecordEvents(const QueuePlan& plan) {
  for (const auto& e : plan.events) {
    spdlog::info("session {} session={} message=\"{}\"", e.reason, api::Name(e.object), e.message);
    if (!events_) continue;
    if (e.warning)
      events_->Warning(e.object, e.reason, e.message);
    else
      events_->Normal(e.object, e.reason, e.message);
  }
}

}  // namespace labctl::reconcilers
