#include "reconcilers/session/session_reconciler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "api/random.h"
#include "api/warm_pool.h"
#include "reconcilers/session/session_index.h"
#include "reconcilers/session/session_lab_hold.h"
#include "reconcilers/session/session_metrics.h"

namespace labctl::reconcilers {

namespace {

constexpr int kMaxReplans = 8;

bool IsConflict(const api::Status& s) { return s.code() == api::Code::kConflict; }
bool IsNotFound(const api::Status& s) { return s.code() == api::Code::kNotFound; }

// The delay of a run for a deadline at `when`: a little past it, so that the run finds it due.
std::chrono::milliseconds RunDelayFor(api::TimePoint when, api::TimePoint now) {
  auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
  return std::max(delay, std::chrono::milliseconds(1)) + std::chrono::milliseconds(5);
}

}  // namespace

SessionReconciler::SessionReconciler(store::Store& store, const api::Clock& clock,
                                     runtime::EventRecorder* events,
                                     SessionReconcilerOptions options)
    : store_(store), clock_(clock), events_(events), options_(options), creation_order_(store) {
  if (options_.slots < 1) options_.slots = 1;
  AddSessionIndexes(store_);
}

runtime::Controller::Mapper SessionReconciler::QueueMapper() {
  return [](const json&) { return std::vector<std::string>{kQueueKey}; };
}

bool SessionReconciler::NeedsRun(const store::WatchEvent& event) const {
  if (!event.object) return true;
  std::lock_guard<std::mutex> lock(claim_mu_);
  if (claimed_revision_ == 0 || event.revision != claimed_revision_ ||
      api::Name(*event.object) != claimed_name_)
    return true;
  claim_skipped_ = true;
  return false;
}

void SessionReconciler::SetFollowUp(
    std::function<void(std::chrono::milliseconds delay)> enqueue_after) {
  follow_up_ = std::move(enqueue_after);
}

void SessionReconciler::Claim(const std::string& name, uint64_t revision) {
  std::lock_guard<std::mutex> lock(claim_mu_);
  claimed_name_ = name;
  claimed_revision_ = revision;
  claim_skipped_ = false;
}

void SessionReconciler::EndInlineRun() {
  bool skipped = false;
  {
    std::lock_guard<std::mutex> lock(claim_mu_);
    skipped = claim_skipped_;
    claimed_revision_ = 0;
    claimed_name_.clear();
    claim_skipped_ = false;
  }
  if (!skipped || !follow_up_) return;
  const api::TimePoint now = clock_.Now();
  if (!QueueSettled(now)) return follow_up_(std::chrono::milliseconds(0));
  if (!quiet_deadline_) return;
  follow_up_(RunDelayFor(*quiet_deadline_, now));
}

runtime::ReconcileResult SessionReconciler::Reconcile(const std::string&) {
  std::lock_guard<std::mutex> lock(mu_);
  return ReconcileLocked();
}

runtime::ReconcileResult SessionReconciler::PromoteNow() {
  std::lock_guard<std::mutex> lock(mu_);
  return ReconcileLocked();
}

void SessionReconciler::RunExclusive(const std::function<void()>& f) {
  std::lock_guard<std::mutex> lock(mu_);
  f();
}

bool SessionReconciler::QueueSettled(api::TimePoint now) const {
  bool nothing_due = !quiet_deadline_ || now < *quiet_deadline_;
  return quiet_revision_ != 0 && store_.Revision() == quiet_revision_ && nothing_due;
}

runtime::ReconcileResult SessionReconciler::ReconcileLocked() {
  api::TimePoint now = clock_.Now();
  if (QueueSettled(now)) {
    if (!quiet_deadline_) return runtime::ReconcileResult::Done();
    return runtime::ReconcileResult::After(
        std::chrono::duration_cast<std::chrono::milliseconds>(*quiet_deadline_ - now));
  }
  std::optional<api::TimePoint> next;
  for (int attempt = 0; attempt < kMaxReplans; ++attempt) {
    api::Status err;
    Outcome outcome = ApplyOnce(&next, &err);
    if (!err.ok()) {
      quiet_revision_ = 0;
      return runtime::ReconcileResult::Error(err);
    }
    if (outcome == Outcome::kConflict) continue;
    if (!next) return runtime::ReconcileResult::Done();
    return runtime::ReconcileResult::After(RunDelayFor(*next, clock_.Now()));
  }
  quiet_revision_ = 0;
  return runtime::ReconcileResult::Error(api::Status::Conflict("session queue: write conflicts"));
}

QueueConfig SessionReconciler::PlanningConfig() {
  return QueueConfig{options_.slots,
                     options_.labd_start,
                     [this](const std::string& name) { return creation_order_.CreatedAt(name); },
                     &settled_,
                     &clocks_,
                     options_.lab_wait};
}

QueuePlan SessionReconciler::Plan(api::TimePoint now, std::shared_ptr<const json> joining,
                                  uint64_t* revision) {
  auto planning = std::chrono::steady_clock::now();
  QueueInputs inputs = ReadQueueInputs(store_, now);
  RecordQueuePlan(/*whole=*/true);
  planned_sessions_ = inputs.sessions;
  creation_order_.CatchUp(inputs.revision);
  for (const auto& s : inputs.sessions)
    if (s->contains("status") && (*s)["status"].contains("queuedRevision"))
      creation_order_.Forget(api::Name(*s));
  if (joining) inputs.sessions.push_back(std::move(joining));
  QueuePlan plan = PlanQueue(inputs.sessions, inputs.labs, PlanningConfig(), now);
  clocks_ = std::move(plan.clocks);  // the waiters as the store has them now
  spdlog::debug("session queue planned sessions={} status_updates={} plan_us={}",
                inputs.sessions.size(), plan.status_updates.size(),
                std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - planning)
                    .count());
  if (inputs.next_collection &&
      (!plan.next_deadline || *inputs.next_collection < *plan.next_deadline))
    plan.next_deadline = inputs.next_collection;
  *revision = inputs.revision;
  return plan;
}

bool SessionReconciler::HasWork(const QueuePlan& plan) {
  return !plan.status_updates.empty() || !plan.add_finalizer.empty() ||
         !plan.remove_finalizer.empty() || !plan.garbage.empty() || !plan.lab_holds.empty() ||
         !plan.evict_warm.empty();
}

SessionReconciler::Outcome SessionReconciler::ApplyOnce(std::optional<api::TimePoint>* next,
                                                        api::Status* err) {
  uint64_t revision = 0;
  QueuePlan plan = Plan(clock_.Now(), nullptr, &revision);
  *next = plan.next_deadline;
  return ApplyPlan(plan, revision, /*whole=*/true, err);
}

SessionReconciler::Outcome SessionReconciler::ApplyPlan(const QueuePlan& plan, uint64_t revision,
                                                        bool whole, api::Status* err) {
  const api::TimePoint now = clock_.Now();
  if (!HasWork(plan)) {
    quiet_revision_ = revision;
    quiet_deadline_ = plan.next_deadline;
    RememberWaiters(plan, {}, whole);
    return Outcome::kDone;
  }
  if (whole) settled_.clear();  // until this run's writes are known to have landed
  quiet_revision_ = 0;
  std::map<std::string, std::string> written;
  std::set<std::string> finalized;  // finalizer edits that went with a status write
  if (WriteStatuses(plan, &written, &finalized, err) == Outcome::kConflict)
    return Outcome::kConflict;
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
  for (const auto& name : plan.add_finalizer)
    if (!finalized.count(name)) check(EditFinalizer(name, true));
  for (const auto& hold : plan.lab_holds) {
    spdlog::info("session lab hold lab={} holder={}", hold.lab,
                 hold.holder.empty() ? "-" : hold.holder);
    check(SetLabHolder(store_, hold.lab, hold.holder, now));
  }
  for (const auto& lab : plan.evict_warm) {
    spdlog::info("session queue ends keep-warm lab={} reason=slot-needed", lab);
    check(EvictWarmLab(store_, lab));
  }
  for (const auto& name : plan.remove_finalizer)
    if (!finalized.count(name)) check(EditFinalizer(name, false));
  for (const auto& name : plan.garbage) {
    spdlog::info("session garbage-collected session={}", name);
    check(store_.Delete(api::Kind::kSession, name).status());
  }
  if (conflict || !err->ok()) return conflict ? Outcome::kConflict : Outcome::kDone;
  RememberWaiters(plan, written, whole);
  // Status writes only (finalizer edits went with them), all landed, nothing else written in
  // between: the store is what this plan made it, so planning it again would find nothing to do
  // (the controller's run after each hand-over need not plan the whole queue again).
  auto with_status = [&](const std::string& name) { return finalized.count(name) > 0; };
  bool status_only =
      plan.lab_holds.empty() && plan.evict_warm.empty() && plan.garbage.empty() &&
      std::all_of(plan.add_finalizer.begin(), plan.add_finalizer.end(), with_status) &&
      std::all_of(plan.remove_finalizer.begin(), plan.remove_finalizer.end(), with_status);
  if (status_only && store_.Revision() == revision + written.size()) {
    quiet_revision_ = store_.Revision();
    quiet_deadline_ = plan.next_deadline;
  }
  return Outcome::kDone;
}

api::Result<json> SessionReconciler::ReleaseAndHandOver(
    const std::string& name, const std::function<api::Result<json>(bool* wrote)>& release) {
  std::lock_guard<std::mutex> lock(mu_);
  Claim(name, store_.Revision() + 1);  // the release's write, unless another lands first
  bool wrote = false;
  auto released = release(&wrote);
  if (!released.ok() || !wrote) {
    EndInlineRun();
    return released;
  }
  api::Status err;
  runtime::ReconcileResult result = runtime::ReconcileResult::Done();
  if (!HandOver(*released, &err))
    result = ReconcileLocked();
  else if (!err.ok())
    result = runtime::ReconcileResult::Error(err);
  if (!result.status.ok())
    spdlog::warn("session queue hand-over after release failed: {}", result.status.ToString());
  EndInlineRun();
  return released;
}

bool SessionReconciler::HandOver(const json& released, api::Status* err) {
  const api::TimePoint now = clock_.Now();
  const uint64_t revision = std::stoull(api::ResourceVersion(released));
  const bool settled_before = quiet_revision_ != 0 && quiet_revision_ + 1 == revision &&
                              (!quiet_deadline_ || now < *quiet_deadline_);
  if (!settled_before || store_.Revision() != revision || PhaseOf(released) != phase::kReleased ||
      !api::SessionLab(released).empty() || api::IsBeingDeleted(released) ||
      api::HasFinalizer(released, kSessionFinalizer))
    return false;
  QueueInputs inputs =
      ReadHandOverInputs(store_, std::make_shared<const json>(released), options_.slots, now);
  if (inputs.revision != revision) return false;  // something else landed meanwhile
  RecordQueuePlan(/*whole=*/false);
  planned_sessions_ = inputs.sessions;
  creation_order_.CatchUp(inputs.revision);
  QueuePlan plan = PlanQueue(inputs.sessions, inputs.labs, PlanningConfig(), now);
  // The waiters further back keep their timers: the earliest of the old and the new ones.
  if (quiet_deadline_ && (!plan.next_deadline || *quiet_deadline_ < *plan.next_deadline))
    plan.next_deadline = quiet_deadline_;
  if (ApplyPlan(plan, revision, /*whole=*/false, err) != Outcome::kDone || !err->ok()) {
    // What is remembered may be off now: the full run (the caller's or the controller's) plans
    // everything afresh.
    settled_.clear();
    quiet_revision_ = 0;
    return !err->ok();
  }
  MoveWaitersUp(plan, now);
  return true;
}

void SessionReconciler::MoveWaitersUp(const QueuePlan& plan, api::TimePoint now) {
  std::set<std::string> promoted;
  for (size_t i = 0; i < plan.promotions; ++i) promoted.insert(api::Name(plan.status_updates[i]));
  for (auto it = clocks_.begin(); it != clocks_.end();) {
    if (promoted.count(it->first)) {
      it = clocks_.erase(it);
      continue;
    }
    if (!promoted.empty())
      it->second = {it->second.position - static_cast<int64_t>(promoted.size()), now};
    ++it;
  }
  for (const auto& [name, clock] : plan.clocks) clocks_[name] = clock;
}

std::optional<QueuePlan> SessionReconciler::PlanBehindBlockedQueue(const json& joining,
                                                                   api::TimePoint now) {
  if (!QueueSettled(now)) return std::nullopt;
  size_t waiting = CountWaitingSessions(store_);
  if (waiting == 0) return std::nullopt;  // it may be promoted: plan the queue
  QueueConfig config{options_.slots, options_.labd_start, nullptr, nullptr, nullptr, nullptr};
  return PlanAppendedWaiter(joining, static_cast<int64_t>(waiting), config, now);
}

api::Result<json> SessionReconciler::Admit(json session) {
  std::lock_guard<std::mutex> lock(mu_);
  auto admitted = AdmitLocked(std::move(session));
  EndInlineRun();
  return admitted;
}

api::Result<json> SessionReconciler::AdmitLocked(json session) {
  const std::string generate = session["metadata"].value("generateName", "");
  for (int attempt = 0; attempt < kMaxReplans; ++attempt) {
    json joining = session;
    json& meta = joining["metadata"];
    if (!generate.empty() && meta.value("name", "").empty())
      meta["name"] = generate + api::RandomNameSuffix();
    const std::string name = meta.value("name", "");
    if (store_.Get(api::Kind::kSession, name).ok()) {
      if (!generate.empty()) continue;
      return api::Status::AlreadyExists("sessions \"" + name + "\" already exists");
    }
    // Ordered as if created now: after every Session created before this call returned.
    joining["status"] = {{"queuedRevision", store_.Revision() + 1}};
    api::TimePoint now = clock_.Now();
    uint64_t revision = quiet_revision_;
    std::optional<QueuePlan> behind = PlanBehindBlockedQueue(joining, now);
    QueuePlan plan =
        behind ? std::move(*behind) : Plan(now, std::make_shared<const json>(joining), &revision);
    auto own = std::find_if(plan.status_updates.begin(), plan.status_updates.end(),
                            [&](const json& o) { return api::Name(o) == name; });
    if (own != plan.status_updates.end()) joining["status"] = (*own)["status"];
    if (std::count(plan.add_finalizer.begin(), plan.add_finalizer.end(), name))
      SetSessionFinalizer(joining, true);
    Claim(name, revision + 1);  // planned here: the controller need not run for it
    auto created = store_.CreateWithStatus(api::Kind::kSession, std::move(joining));
    if (!created.ok() && created.status().reason() == "AlreadyExists" && !generate.empty())
      continue;
    if (!created.ok()) return created;
    for (const auto& e : plan.events)
      if (api::Name(e.object) == name)
        spdlog::info("session {} session={} message=\"{}\"", e.reason, name, e.message);
    // The plan was the queue's with this Session in it. If that changed nothing else (the usual
    // case), the queue is settled at this revision; otherwise a full run does the rest now.
    auto is_own = [&](const std::string& n) { return n == name; };
    bool alone = std::all_of(plan.status_updates.begin(), plan.status_updates.end(),
                             [&](const json& o) { return is_own(api::Name(o)); }) &&
                 std::all_of(plan.add_finalizer.begin(), plan.add_finalizer.end(), is_own) &&
                 plan.lab_holds.empty() && plan.garbage.empty() && plan.evict_warm.empty() &&
                 plan.remove_finalizer.empty();
    // ... and only if no other write landed between the plan's read and the create (a release
    // racing this call must not be taken as planned).
    const uint64_t created_at = std::stoull(api::ResourceVersion(*created));
    if (alone && created_at == revision + 1) {
      if (behind) {  // the others stay settled as they were; this one joins them
        settled_[name] = {api::ResourceVersion(*created), plan.waiters.front().second.deadline};
        clocks_.insert(plan.clocks.begin(), plan.clocks.end());
        if (plan.next_deadline && quiet_deadline_ && *quiet_deadline_ < *plan.next_deadline)
          plan.next_deadline = quiet_deadline_;
      } else {
        RememberWaiters(plan, {{name, api::ResourceVersion(*created)}});
      }
      quiet_revision_ = created_at;
      quiet_deadline_ = plan.next_deadline;
      FillQueuePosition(store_, *created);
      return created;
    }
    quiet_revision_ = 0;
    ReconcileLocked();
    auto after = store_.Get(api::Kind::kSession, name);  // as that run left it
    if (after.ok()) created = std::move(after);
    FillQueuePosition(store_, *created);
    return created;
  }
  return api::Status::AlreadyExists("could not generate a unique name for " + generate);
}

void SessionReconciler::RememberWaiters(const QueuePlan& plan,
                                        const std::map<std::string, std::string>& written,
                                        bool whole) {
  if (whole) settled_.clear();
  for (const auto& [name, waiter] : plan.waiters) {
    SettledWaiter& s = settled_[name];
    s = waiter;
    if (auto w = written.find(name); w != written.end()) s.resource_version = w->second;
  }
}

// Promotions are written first, one by one, so the next holder's watch sees Active as early as
// possible; the rest (new waiters' statuses, finished sessions) share one commit. A
// status write that comes with a finalizer edit (a promotion adds it, a finish not caused by a
// delete drops it) is one Replace: one write, not two. Finalizers of deleted sessions are dropped
// only after their Lab was released (ApplyOnce).
SessionReconciler::Outcome SessionReconciler::WriteStatuses(
    const QueuePlan& plan, std::map<std::string, std::string>* versions,
    std::set<std::string>* finalized, api::Status* err) {
  const std::set<std::string> add(plan.add_finalizer.begin(), plan.add_finalizer.end());
  const std::set<std::string> remove(plan.remove_finalizer.begin(), plan.remove_finalizer.end());
  bool conflict = false;
  auto landed = [&](const api::Result<json>& written) {
    if (written.ok()) (*versions)[api::Name(*written)] = api::ResourceVersion(*written);
    if (written.ok() || IsNotFound(written.status())) return true;
    if (IsConflict(written.status()))
      conflict = true;
    else
      *err = written.status();
    return false;
  };
  std::vector<json> rest;
  for (size_t i = 0; i < plan.status_updates.size(); ++i) {
    json object = plan.status_updates[i];
    const std::string name = api::Name(object);
    bool edit = add.count(name) || (remove.count(name) && !api::IsBeingDeleted(object));
    if (edit) {
      SetSessionFinalizer(object, add.count(name) > 0);
      finalized->insert(name);
    }
    if (i >= plan.promotions && !edit) {
      rest.push_back(std::move(object));
      continue;
    }
    auto written = edit ? store_.Replace(api::Kind::kSession, std::move(object))
                        : store_.UpdateStatus(api::Kind::kSession, std::move(object));
    if (i < plan.promotions && written.ok())
      RecordPromotion(*written, planned_sessions_, clock_.Now());
    // A promotion that did not land must not be followed by its lab hold: re-plan at once.
    if (!landed(written)) return conflict ? Outcome::kConflict : Outcome::kDone;
  }
  if (rest.empty()) return Outcome::kDone;
  for (const auto& written : store_.UpdateStatuses(api::Kind::kSession, std::move(rest)))
    if (!landed(written) && !err->ok()) return Outcome::kDone;
  return conflict ? Outcome::kConflict : Outcome::kDone;
}

api::Status SessionReconciler::EditFinalizer(const std::string& name, bool add) {
  for (int attempt = 0; attempt < kMaxReplans; ++attempt) {
    auto current = store_.Get(api::Kind::kSession, name);
    if (!current.ok()) return current.status();
    json updated = *current;
    if (!SetSessionFinalizer(updated, add)) return api::Status::Ok();
    auto written = store_.Update(api::Kind::kSession, std::move(updated));
    if (written.ok()) return api::Status::Ok();
    if (!IsConflict(written.status())) return written.status();
  }
  return api::Status::Conflict("session " + name + ": finalizer update kept conflicting");
}

void SessionReconciler::RecordEvents(const QueuePlan& plan) {
  for (const auto& e : plan.events) {
    spdlog::info("session {} session={} message=\"{}\"", e.reason, api::Name(e.object), e.message);
    if (!events_ || !e.record) continue;
    if (e.warning)
      events_->Warning(e.object, e.reason, e.message);
    else
      events_->Normal(e.object, e.reason, e.message);
  }
}

}  // namespace labctl::reconcilers
