#include "reconcilers/session/session_queue.h"

#include <algorithm>
#include <set>

#include "api/lab_spec.h"
#include "api/session_ownership.h"
#include "api/warm_pool.h"
#include "reconcilers/lab/lab_handover.h"

namespace labctl::reconcilers {

namespace {

using api::TimePoint;
using std::chrono::seconds;

constexpr int64_t kDefaultHeartbeatTimeout = 300;
constexpr int64_t kDefaultQueueTimeout = 600;
constexpr int64_t kDefaultTtl = 3600;

int64_t SpecInt(const json& session, const char* key, int64_t fallback) {
  auto spec = session.find("spec");
  if (spec == session.end() || !spec->is_object()) return fallback;
  auto it = spec->find(key);
  return it != spec->end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

std::string SpecLab(const json& session) {
  auto spec = session.find("spec");
  if (spec == session.end() || !spec->is_object()) return "";
  auto it = spec->find("lab");
  return it != spec->end() && it->is_string() ? it->get<std::string>() : "";
}

std::string StatusString(const json& status, const char* key) {
  auto it = status.find(key);
  return it != status.end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<TimePoint> StatusTime(const json& status, const char* key) {
  TimePoint t;
  if (!api::ParseTime(StatusString(status, key), &t)) return std::nullopt;
  return t;
}

// When a finished Session is garbage-collected (finishedAt + ttlSecondsAfterFinished).
std::optional<TimePoint> GarbageTime(const json& session, const json& status) {
  auto finished = StatusTime(status, "finishedAt");
  if (!finished) return std::nullopt;
  return *finished + seconds(SpecInt(session, "ttlSecondsAfterFinished", kDefaultTtl));
}

TimePoint Latest(std::initializer_list<std::optional<TimePoint>> times) {
  TimePoint best{};
  for (const auto& t : times)
    if (t && *t > best) best = *t;
  return best;
}

// One Session being planned: its object and, once loaded, the status it will have. A waiter the
// last run left settled (QueueConfig::settled) is never loaded unless its position changes.
struct Entry {
  Entry(const json* o, uint64_t queued, std::string ph)
      : object(o),
        name(api::Name(*o)),
        resource_version(api::ResourceVersion(*o)),
        revision(queued),
        phase(std::move(ph)),
        deleting(api::IsBeingDeleted(*o)) {}
  const json* object;
  // Read once: each is looked at several times per run for every waiter.
  std::string name;
  std::string resource_version;
  uint64_t revision;
  std::string phase;
  bool deleting;
  std::optional<json> status;
  bool promoted = false;
};

class Planner {
 public:
  Planner(const std::map<std::string, json>& labs, const QueueConfig& config, TimePoint now)
      : labs_(labs), config_(config), now_(now) {}

  QueuePlan Plan(const std::vector<const json*>& sessions) {
    for (const json* s : sessions) {
      std::string ph = PhaseOf(*s);
      if (IsFinishedPhase(ph))
        PlanFinished(*s);
      else
        entries_.emplace_back(s, QueuedRevision(*s), std::move(ph));
    }
    for (auto& e : entries_) {
      if (config_.created_at && !HasQueuedRevision(*e.object))
        if (auto created = config_.created_at(e.name)) e.revision = *created;
    }
    std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
      return a.revision != b.revision ? a.revision < b.revision : a.name < b.name;
    });
    for (auto& e : entries_) ApplyTimeouts(e);
    for (auto& e : entries_) MirrorHostLost(e);
    Promote();
    AssignPositions();
    for (auto& e : entries_) MirrorLab(e);
    PlanLabHolds();
    for (auto& e : entries_) PlanCleanup(e);
    CollectUpdates();
    return std::move(plan_);
  }

 private:
  static bool HasQueuedRevision(const json& s) {
    auto st = s.find("status");
    return st != s.end() && st->is_object() && st->contains("queuedRevision");
  }

  // The status the entry will have, copied from its object on first use.
  json& Status(Entry& e) {
    if (e.status) return *e.status;
    const json& s = *e.object;
    e.status = s.value("status", json::object());
    json& status = *e.status;
    if (!status.is_object()) status = json::object();
    if (!status.contains("queuedRevision")) status["queuedRevision"] = e.revision;
    if (!status.contains("phase")) status["phase"] = phase::kWaiting;
    std::string owner = api::SessionOwner(s);
    if (!owner.empty() && StatusString(status, "owner").empty()) status["owner"] = owner;
    status["observedGeneration"] = api::Generation(s);
    return status;
  }

  // The status as it is so far (planned, else stored), read only: nothing is copied.
  const json& StatusView(const Entry& e) const {
    static const json kNoStatus = json::object();
    if (e.status) return *e.status;
    auto st = e.object->find("status");
    return st != e.object->end() && st->is_object() ? *st : kNoStatus;
  }

  // Whether the last run left this entry as it is now (same resourceVersion, status not touched
  // in this run): its status needs no looking into.
  bool Unchanged(const Entry& e) const {
    if (!config_.settled || e.status) return false;
    auto it = config_.settled->find(e.name);
    return it != config_.settled->end() && it->second.resource_version == e.resource_version;
  }

  // An entry the last run left as it is, before its deadline: that deadline, else nullopt (it
  // must be planned).
  std::optional<TimePoint> SettledDeadline(const Entry& e) const {
    if (!Unchanged(e)) return std::nullopt;
    TimePoint deadline = config_.settled->at(e.name).deadline;
    if (deadline <= now_) return std::nullopt;
    return deadline;
  }

  // The previous run's clock of a waiter, or null (new).
  const QueueClock* ClockOf(const Entry& e) const {
    if (!config_.clocks) return nullptr;
    auto it = config_.clocks->find(e.name);
    return it == config_.clocks->end() ? nullptr : &it->second;
  }

  const std::string& Phase(const Entry& e) const { return e.phase; }
  int64_t Gen(const Entry& e) const { return api::Generation(*e.object); }

  void Consider(TimePoint t) {
    if (t > now_ && (!plan_.next_deadline || t < *plan_.next_deadline)) plan_.next_deadline = t;
  }

  void Event(Entry& e, bool warning, const std::string& reason, const std::string& msg,
             bool record = true) {
    json object = *e.object;
    object["status"] = Status(e);
    plan_.events.push_back({std::move(object), warning, reason, msg, record});
  }

  void Finish(Entry& e, const std::string& ph, const std::string& reason, const std::string& msg,
              bool warning) {
    FinishSession(Status(e), Gen(e), ph, reason, msg, now_);
    e.phase = ph;
    Event(e, warning, reason, msg);
  }

  void ApplyTimeouts(Entry& e) {
    std::string ph = Phase(e);
    if (IsFinishedPhase(ph)) return;
    // A settled waiter's timeout is known; its position is checked again in AssignPositions.
    if (ph == phase::kWaiting && !e.deleting && SettledDeadline(e)) return;
    // So is a settled Active session's heartbeat deadline, unless it mirrors a Lab.
    const bool settles = ph == phase::kActive && !e.deleting && SpecLab(*e.object).empty() &&
                         StatusString(StatusView(e), "lab").empty();
    if (settles)
      if (auto deadline = SettledDeadline(e)) {
        Settle(e, *deadline);
        return;
      }
    json& status = Status(e);
    if (e.deleting) {
      if (ph == phase::kActive)
        Finish(e, phase::kReleased, "Deleted", "session deleted while active", false);
      else
        Finish(e, phase::kCancelled, "Deleted", "session deleted while waiting", false);
      return;
    }
    if (ph == phase::kActive) {
      auto timeout =
          seconds(SpecInt(*e.object, "heartbeatTimeoutSeconds", kDefaultHeartbeatTimeout));
      TimePoint deadline = Latest({StatusTime(status, "lastHeartbeatTime"),
                                   StatusTime(status, "activeSince"), config_.labd_start}) +
                           timeout;
      if (now_ >= deadline)
        Finish(e, phase::kExpired, "HeartbeatTimeout",
               "no heartbeat for " + std::to_string(timeout.count()) + "s", true);
      else if (settles)
        Settle(e, deadline);
      else
        Consider(deadline);
      return;
    }
    const QueueClock* clock = ClockOf(e);
    if (!clock) return;  // new: its queue clock starts when it gets a position
    TimePoint deadline = QueueDeadline(e, clock->since);
    if (now_ >= deadline) {
      auto timeout = SpecInt(*e.object, "queueTimeoutSeconds", kDefaultQueueTimeout);
      Finish(e, phase::kExpired, "QueueTimeout",
             "queue position unchanged for " + std::to_string(timeout) + "s", true);
    }
  }

  // The Lab an entry holds (or will hold once promoted): api::SessionLab of its planned status.
  std::string HeldLab(const Entry& e) const {
    return api::SessionLabOf(SpecLab(*e.object), StatusString(StatusView(e), "lab"));
  }

  // A spare of `templ` to hand out (docs/hosts.md, warm pools): one made from the template's
  // current spec, never handed to anyone, not being deleted; a Ready one first, else the lowest
  // name still coming up; "" when none.
  std::string PickSpare(const std::string& templ, const std::set<std::string>& held) const {
    auto t = labs_.find(templ);
    std::string starting;
    for (const auto& [name, lab] : labs_) {
      if (api::PoolTemplateOf(lab) != templ || held.count(name) || api::IsBeingDeleted(lab))
        continue;
      if (!api::LabHolder(lab).empty() || api::FieldAt(lab, "status", "releasedAt")) continue;
      if (t == labs_.end() || !api::SpareIsCurrent(lab, t->second)) continue;
      if (api::IsConditionTrue(lab, "Ready")) return name;
      if (starting.empty()) starting = name;
    }
    return starting;
  }

  bool HasWarmPool(const std::string& lab) const {
    auto it = labs_.find(lab);
    return it != labs_.end() && api::WarmPoolSize(it->second) > 0;
  }

  void Promote() {
    int active = 0;
    std::set<std::string> held;
    std::vector<std::string> admitted;  // promoted in this run, for lab_wait
    for (const auto& e : entries_) {
      if (Phase(e) != phase::kActive) continue;
      ++active;
      if (!HeldLab(e).empty()) held.insert(HeldLab(e));
    }
    for (auto& e : entries_) {
      if (Phase(e) != phase::kWaiting) continue;
      if (active >= config_.slots) break;
      std::string lab = SpecLab(*e.object);
      if (!lab.empty() && HasWarmPool(lab)) {
        lab = PickSpare(lab, held);
        if (lab.empty()) break;  // strict FIFO: the head waits for the pool to make a spare
      } else {
        if (!lab.empty() && held.count(lab)) break;  // strict FIFO: the head blocks
        if (const json* lost = LostForGood(e)) {     // it could only fail once Active
          Finish(e, phase::kFailed, "HostLost",
                 "lab " + lab + ": " + lost->value("message", "its host stopped answering"), true);
          continue;
        }
        if (!lab.empty() && config_.lab_wait) {
          std::string why = config_.lab_wait(lab, admitted);
          if (!why.empty()) {
            head_wait_ = "waiting for a host for lab " + lab + ": " + why;
            break;
          }
        }
      }
      Activate(e, lab);
      ++active;
      if (!lab.empty()) held.insert(lab);
      if (!lab.empty()) admitted.push_back(lab);
    }
  }

  const json* LabOf(const Entry& e) const {
    auto it = labs_.find(HeldLab(e));
    return it == labs_.end() ? nullptr : &it->second;
  }

  // The Lab's HostLost condition when it is True and the Lab's spec.onHostLost is Fail: a
  // session holding it fails (docs/hosts.md, "Host failure").
  const json* LostForGood(const Entry& e) const {
    const json* lab = LabOf(e);
    if (!lab || !api::IsConditionTrue(*lab, "HostLost")) return nullptr;
    if (api::ReadLabObjectSpec(*lab).on_host_lost != api::kOnHostLostFail) return nullptr;
    return api::FindCondition(*lab, "HostLost");
  }

  // An Active session is told when its Lab's Host is lost: condition HostLost, mirrored from the
  // Lab's, and a Warning Event when it turns True. With onHostLost Fail it fails, freeing its
  // slot; with Reschedule it stays and sees its Lab built again elsewhere.
  void MirrorHostLost(Entry& e) {
    if (Phase(e) != phase::kActive || e.deleting || HeldLab(e).empty()) return;
    const json* lab = LabOf(e);
    const json* lost = lab ? api::FindCondition(*lab, "HostLost") : nullptr;
    const bool lost_now = lost && lost->value("status", "") == "True";
    const bool told = api::IsConditionTrue(*e.object, "HostLost");
    if (!lost_now && !api::FindCondition(*e.object, "HostLost")) return;
    api::Condition c{"HostLost", lost_now ? "True" : "False",
                     lost ? lost->value("reason", "") : "LabNotFound",
                     lost ? lost->value("message", "") : "", Gen(e)};
    api::SetCondition(Status(e), c, now_);
    if (!lost_now) return;
    if (LostForGood(e)) {
      Finish(e, phase::kFailed, "HostLost", "lab " + HeldLab(e) + ": " + c.message, true);
      return;
    }
    if (!told) Event(e, true, "HostLost", "lab " + HeldLab(e) + ": " + c.message);
  }

  void Activate(Entry& e, const std::string& lab) {
    std::string stamp = api::FormatTime(now_);
    json& status = Status(e);
    status["phase"] = phase::kActive;
    e.phase = phase::kActive;
    status["position"] = 0;
    status["activeSince"] = stamp;
    status["lastHeartbeatTime"] = stamp;
    status.erase("positionSince");
    status.erase("reason");
    if (lab.empty())
      status.erase("lab");
    else
      status["lab"] = lab;
    api::SetCondition(status, {"Active", "True", "Promoted", "session holds a slot", Gen(e)}, now_);
    e.promoted = true;
    if (!api::HasFinalizer(*e.object, kSessionFinalizer)) plan_.add_finalizer.push_back(e.name);
    Event(e, false, "Promoted",
          lab.empty() ? "session is active" : "session is active, holds lab " + lab,
          /*record=*/false);
    auto timeout = seconds(SpecInt(*e.object, "heartbeatTimeoutSeconds", kDefaultHeartbeatTimeout));
    Consider(now_ + timeout);
  }

  // When a waiter expires if its position stays (since `since`) and it makes no contact.
  TimePoint QueueDeadline(const Entry& e, TimePoint since) const {
    auto timeout = seconds(SpecInt(*e.object, "queueTimeoutSeconds", kDefaultQueueTimeout));
    return Latest({since, StatusTime(StatusView(e), "lastHeartbeatTime"), config_.labd_start}) +
           timeout;
  }

  // Only waiters whose position moved, or that changed since the last run, are looked into:
  // appending a waiter does not re-plan the ones ahead of it.
  void AssignPositions() {
    int64_t position = 0;
    for (auto& e : entries_) {
      if (Phase(e) != phase::kWaiting) continue;
      PlaceWaiter(e, ++position);
    }
  }

 public:
  // Plans a Waiting entry at `position`: its clock, its status (unless the last run left it as it
  // is: the position itself is not stored, so moving up writes nothing) and its deadline.
  void PlaceWaiter(Entry& e, int64_t position) {
    const QueueClock* clock = ClockOf(e);
    const bool moved = !clock || clock->position != position;
    const TimePoint since = moved ? now_ : clock->since;
    plan_.clocks[e.name] = {position, since};
    // The head says why it waits when that is not a slot (its Active message), so it is looked
    // into whenever that changes.
    const std::string message =
        position == 1 && !head_wait_.empty() ? head_wait_ : "waiting in the queue";
    const bool says_so = position != 1 || ActiveMessage(StatusView(e)) == message;
    std::optional<TimePoint> deadline = moved || !says_so ? std::nullopt : SettledDeadline(e);
    if (!deadline) {
      if (!Unchanged(e) || !says_so) {
        json& status = Status(e);
        status.erase("position");  // filled in on reads (session_index.h)
        status.erase("positionSince");
        api::SetCondition(status, {"Active", "False", "Waiting", message, Gen(e)}, now_);
      }
      deadline = QueueDeadline(e, since);
    }
    Settle(e, *deadline);
  }

  // Remembered for the next run (QueuePlan::waiters) with the deadline it is due by.
  void Settle(const Entry& e, TimePoint deadline) {
    plan_.waiters.push_back({e.name, {e.resource_version, deadline}});
    Consider(deadline);
  }

  QueuePlan AppendWaiter(const json& joining, int64_t position) {
    entries_.emplace_back(&joining, QueuedRevision(joining), phase::kWaiting);
    PlaceWaiter(entries_.back(), position);
    CollectUpdates();
    return std::move(plan_);
  }

 private:
  void MirrorLab(Entry& e) {
    if (Phase(e) != phase::kActive) return;
    std::string lab = HeldLab(e);
    if (StatusString(StatusView(e), "lab") != lab) {  // spec.lab changed (the Neops facade)
      if (lab.empty())
        Status(e).erase("lab");
      else
        Status(e)["lab"] = lab;
    }
    if (lab.empty()) return;
    auto it = labs_.find(lab);
    api::Condition c{"LabReady", "False", "LabNotFound", "lab " + lab + " does not exist", Gen(e)};
    if (it != labs_.end()) {
      const json* ready = api::FindCondition(it->second, "Ready");
      c.status = ready ? ready->value("status", "Unknown") : "Unknown";
      c.reason = ready ? ready->value("reason", "") : "Pending";
      c.message = ready ? ready->value("message", "") : "lab " + lab + " is not ready yet";
      if (c.reason.empty()) c.reason = c.status == "True" ? "Ready" : "NotReady";
      // A warm lab handed over from another session is Ready for this one only once reset.
      if (c.status == "True" && !LabPreparedFor(it->second, e.name)) {
        c.status = "False";
        c.reason = "Resetting";
        c.message = "lab " + lab + " is being reset for this session";
      }
    }
    api::SetCondition(Status(e), c, now_);
  }

  // Every Lab's heldBy must name the Active Session that wants it, and nobody else.
  void PlanLabHolds() {
    std::map<std::string, std::string> wanted;
    for (const auto& e : entries_)
      if (Phase(e) == phase::kActive && !HeldLab(e).empty()) wanted[HeldLab(e)] = e.name;
    for (const auto& [name, lab] : labs_) {
      std::string current;
      if (lab.contains("status") && lab["status"].is_object())
        current = StatusString(lab["status"], "heldBy");
      auto w = wanted.find(name);
      std::string desired = w == wanted.end() ? "" : w->second;
      if (current != desired) plan_.lab_holds.push_back({name, desired});
    }
    EvictWarmLabs(wanted);
  }

  // Warm = released, not held, still inside its keep-warm window. Oldest release goes first.
  void EvictWarmLabs(const std::map<std::string, std::string>& wanted) {
    std::vector<std::pair<TimePoint, std::string>> warm;
    for (const auto& [name, lab] : labs_) {
      if (wanted.count(name) || !lab.contains("status") || !lab["status"].is_object()) continue;
      if (lab.value("/spec/runPolicy"_json_pointer, std::string()) == "Always") continue;
      if (!StatusString(lab["status"], "heldBy").empty()) continue;
      auto released = StatusTime(lab["status"], "releasedAt");
      int64_t idle = lab.value("/spec/idleTimeoutSeconds"_json_pointer, int64_t{0});
      if (!released || idle <= 0 || now_ >= *released + seconds(idle)) continue;
      warm.emplace_back(*released, name);
    }
    std::sort(warm.begin(), warm.end());
    size_t in_use = wanted.size() + warm.size();
    for (const auto& [released, name] : warm) {
      if (in_use <= static_cast<size_t>(config_.slots)) break;
      plan_.evict_warm.push_back(name);
      --in_use;
    }
  }

  // A finished Session takes no part in the queue: only its finalizer and its garbage collection
  // are due. Its status is left exactly as it is (and not copied: most Sessions are finished).
  void PlanFinished(const json& s) {
    static const json kNoStatus = json::object();
    auto st = s.find("status");
    PlanCleanup(s, st != s.end() && st->is_object() ? *st : kNoStatus, api::Name(s));
  }

  // Live sessions need clean-up only once finished (here, by a timeout) or being deleted.
  void PlanCleanup(Entry& e) {
    if (IsFinishedPhase(Phase(e)) || e.deleting) PlanCleanup(*e.object, Status(e), e.name);
  }

  void PlanCleanup(const json& object, const json& status, const std::string& name) {
    std::string ph = StatusString(status, "phase");
    bool deleting = api::IsBeingDeleted(object);
    if ((IsFinishedPhase(ph) || deleting) && api::HasFinalizer(object, kSessionFinalizer))
      plan_.remove_finalizer.push_back(name);
    if (!IsFinishedPhase(ph) || deleting) return;
    auto gc = GarbageTime(object, status);
    if (!gc) return;
    if (now_ >= *gc)
      plan_.garbage.push_back(name);
    else
      Consider(*gc);
  }

  void CollectUpdates() {
    std::vector<json> rest;
    static const json kNoStatus = json::object();
    for (auto& e : entries_) {
      if (!e.status) continue;  // settled: nothing changes
      auto st = e.object->find("status");
      if ((st != e.object->end() ? *st : kNoStatus) == *e.status) continue;
      json updated = *e.object;
      updated["status"] = std::move(*e.status);
      if (e.promoted) ++plan_.promotions;
      (e.promoted ? plan_.status_updates : rest).push_back(std::move(updated));
    }
    for (auto& r : rest) plan_.status_updates.push_back(std::move(r));
  }

  static std::string ActiveMessage(const json& status) {
    auto conditions = status.find("conditions");
    if (conditions == status.end() || !conditions->is_array()) return "";
    for (const auto& c : *conditions)
      if (c.is_object() && c.value("type", "") == "Active") return c.value("message", "");
    return "";
  }

  const std::map<std::string, json>& labs_;
  QueueConfig config_;
  std::string head_wait_;  // why the head waits, when not for a slot or its Lab's holder
  TimePoint now_;
  std::vector<Entry> entries_;
  QueuePlan plan_;
};

}  // namespace

std::chrono::seconds HeartbeatWriteInterval(const json& session) {
  int64_t timeout = SpecInt(session, "heartbeatTimeoutSeconds", kDefaultHeartbeatTimeout);
  if (PhaseOf(session) != phase::kActive)
    timeout = std::min(timeout, SpecInt(session, "queueTimeoutSeconds", kDefaultQueueTimeout));
  return seconds(std::clamp<int64_t>(timeout / 10, 1, 30));
}

std::optional<api::TimePoint> CollectionTime(const json& session) {
  auto st = session.find("status");
  if (st == session.end() || !st->is_object()) return std::nullopt;
  if (!IsFinishedPhase(StatusString(*st, "phase"))) return std::nullopt;
  return GarbageTime(session, *st);
}

bool SetSessionFinalizer(json& session, bool present) {
  if (api::HasFinalizer(session, kSessionFinalizer) == present) return false;
  json& finalizers = session["metadata"]["finalizers"];
  if (!finalizers.is_array()) finalizers = json::array();
  if (present) {
    finalizers.push_back(kSessionFinalizer);
    return true;
  }
  json kept = json::array();
  for (const auto& f : finalizers)
    if (f != kSessionFinalizer) kept.push_back(f);
  finalizers = std::move(kept);
  return true;
}

bool IsFinishedPhase(const std::string& p) {
  return p == phase::kReleased || p == phase::kExpired || p == phase::kCancelled ||
         p == phase::kFailed;
}

std::string PhaseOf(const json& session) {
  auto st = session.find("status");
  if (st == session.end() || !st->is_object()) return phase::kWaiting;
  std::string p = StatusString(*st, "phase");
  return p.empty() ? phase::kWaiting : p;
}

void FinishSession(json& status, int64_t generation, const std::string& ph,
                   const std::string& reason, const std::string& message, api::TimePoint now) {
  status["phase"] = ph;
  status["reason"] = reason;
  status["message"] = message;
  status["finishedAt"] = api::FormatTime(now);
  status["position"] = 0;
  status.erase("positionSince");
  api::SetCondition(status, {"Active", "False", reason, message, generation}, now);
  if (api::FindCondition(json{{"status", status}}, "LabReady"))
    api::SetCondition(status, {"LabReady", "False", reason, "lab released", generation}, now);
}

QueuePlan PlanAppendedWaiter(const json& joining, int64_t waiting, const QueueConfig& config,
                             api::TimePoint now) {
  static const std::map<std::string, json> kNoLabs;
  return Planner(kNoLabs, config, now).AppendWaiter(joining, waiting + 1);
}

uint64_t QueuedRevision(const json& session) {
  auto st = session.find("status");
  if (st != session.end() && st->is_object()) {
    auto q = st->find("queuedRevision");
    if (q != st->end() && q->is_number_unsigned()) return q->get<uint64_t>();
    if (q != st->end() && q->is_number_integer()) return static_cast<uint64_t>(q->get<int64_t>());
  }
  try {
    return std::stoull(api::ResourceVersion(session));
  } catch (...) {
    return UINT64_MAX;
  }
}

QueuePlan PlanQueue(const std::vector<std::shared_ptr<const json>>& sessions,
                    const std::map<std::string, json>& labs, const QueueConfig& config,
                    api::TimePoint now) {
  std::vector<const json*> pointers;
  pointers.reserve(sessions.size());
  for (const auto& s : sessions) pointers.push_back(s.get());
  return Planner(labs, config, now).Plan(pointers);
}

}  // namespace labctl::reconcilers
