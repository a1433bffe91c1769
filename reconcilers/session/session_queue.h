// SessionQueue: the pure decision logic of the session queue (no I/O, no store).
//
// Given every Session, every Lab, the number of slots, labd's start time and "now", PlanQueue
// computes the next status of every Session (phase, conditions, deadlines), which Labs
// must be marked held or released, which finished Sessions are due for garbage collection and
// which deleted Sessions may drop their finalizer. The SessionReconciler applies the plan; tests
// drive this module with a fake "now" and plain JSON.
//
// Queue order is the store's creation order: status.queuedRevision, stamped on first sight from
// the revision of the Session's ADDED change (QueueConfig::created_at), or from its
// resourceVersion when that is unknown (created just before a labd crash). Strict FIFO: the oldest
// Waiting Session blocks everyone behind it until it can be promoted. An Active Session's
// LabReady mirrors its Lab's Ready once the Lab was prepared for it (lab_handover.h): a warm Lab
// handed over from another Session shows reason Resetting until the LabReconciler reset it.
// A waiter's position is not part of its stored status (session_index.h fills it in on reads);
// the planner keeps each waiter's position and since when it holds it in memory (QueueClocks),
// for the queue timeout.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "api/clock.h"
#include "api/object.h"

namespace labctl::reconcilers {

using api::json;

// Kept on a Session while it is Active, so that deleting it releases its Lab before it goes.
inline constexpr char kSessionFinalizer[] = "labctl.dev/session";

namespace phase {
inline constexpr char kWaiting[] = "Waiting";
inline constexpr char kActive[] = "Active";
inline constexpr char kReleased[] = "Released";
inline constexpr char kExpired[] = "Expired";
inline constexpr char kCancelled[] = "Cancelled";
inline constexpr char kFailed[] = "Failed";
}  // namespace phase

bool IsFinishedPhase(const std::string& phase);
// status.phase, "Waiting" for a Session no reconciler has seen yet.
std::string PhaseOf(const json& session);

// Adds or removes kSessionFinalizer in the Session's metadata; true if that changed it.
bool SetSessionFinalizer(json& session, bool present);

// Marks a Session finished: phase, reason, message, finishedAt, conditions. Used by the planner
// and by SessionActions (release).
void FinishSession(json& status, int64_t generation, const std::string& phase,
                   const std::string& reason, const std::string& message, api::TimePoint now);

// A Waiting Session (or an Active one without a Lab) as a planning run left it: its
// resourceVersion then and when its queue (heartbeat) timeout falls due if nothing changes.
struct SettledWaiter {
  std::string resource_version;
  api::TimePoint deadline{};
};
using SettledWaiters = std::unordered_map<std::string, SettledWaiter>;

// A waiter's position as the last run planned it and since when it has been there: its queue
// timeout counts from `since`. Memory only: after a restart every waiter starts afresh (and
// labd's start time holds timeouts off for a full timeout anyway).
struct QueueClock {
  int64_t position = 0;
  api::TimePoint since{};
};
using QueueClocks = std::unordered_map<std::string, QueueClock>;

using LabWait =
    std::function<std::string(const std::string& lab, const std::vector<std::string>& admitted)>;

struct QueueConfig {
  int slots = 1;
  api::TimePoint labd_start{};  // no Session times out before a full timeout after this
  // Creation revision of a Session not yet stamped (SessionCreationOrder); may be empty.
  std::function<std::optional<uint64_t>(const std::string& name)> created_at;
  // The previous run's QueuePlan::waiters (with the resourceVersions its writes produced), or
  // null. A waiter found there unchanged, at the same position and before its deadline is not
  // looked into again — its status would come out the same — so a run costs what changed, not
  // the length of the queue. Nor is an Active session without a Lab (a heartbeat of one holder
  // does not re-plan the other holders).
  const SettledWaiters* settled = nullptr;
  // The previous run's QueuePlan::clocks, or null (every waiter's clock starts now).
  const QueueClocks* clocks = nullptr;
  // Why a Session's Lab cannot be brought up now, after the labs promoted ahead of it in this
  // run (labd: no Host has room for it; docs/hosts.md); empty when it can. Unset: always can.
  // The head of the queue waits while its Lab cannot (strict FIFO), and its Active=False
  // message says why.
  LabWait lab_wait;
};

struct QueueEvent {
  json object;  // the Session (or Lab) the event is about
  bool warning = false;
  std::string reason;
  std::string message;
  // false: logged only. A promotion is routine (and in the Session's Active condition); an
  // Event object per promotion would double the writes of every session.
  bool record = true;
};

struct LabHold {
  std::string lab;
  std::string holder;  // session name; empty = release
};

struct QueuePlan {
  // Sessions whose status changes, full objects with the new status; promotions come first so
  // that the hand-over is written before position bookkeeping.
  std::vector<json> status_updates;
  size_t promotions = 0;  // the first `promotions` status_updates promote a Session
  std::vector<std::string> add_finalizer;     // newly Active sessions
  std::vector<std::string> remove_finalizer;  // finished or being deleted (after status writes)
  std::vector<std::string> garbage;           // finished longer than ttlSecondsAfterFinished
  std::vector<LabHold> lab_holds;             // Lab status.heldBy changes
  // Released Labs still kept warm (idleTimeoutSeconds) that must go down now because the held
  // Labs need their slots: the reconciler ends their keep-warm window.
  std::vector<std::string> evict_warm;
  std::vector<QueueEvent> events;
  std::optional<api::TimePoint> next_deadline;  // nearest timer; nullopt: none
  // Every waiter's position and clock after this plan, for the next run's QueueConfig::clocks.
  QueueClocks clocks;
  // Every waiter and every Active session without a Lab as planned, by name (resource_version: the
  // object planned from; the caller puts in the one its status write produced), for the next run's
  // QueueConfig::settled.
  std::vector<std::pair<std::string, SettledWaiter>> waiters;
};

// A heartbeat is written only when the stored lastHeartbeatTime is at least this old: a tenth of
// the timeout it feeds (heartbeatTimeoutSeconds while Active, the smaller of that and
// queueTimeoutSeconds while Waiting), between 1 s and 30 s. So a session expires no earlier than
// 90% of its timeout after its last heartbeat, and heartbeats sent more often cost no write.
std::chrono::seconds HeartbeatWriteInterval(const json& session);

// When a finished Session is garbage-collected (finishedAt + ttlSecondsAfterFinished); nullopt
// for a live one.
std::optional<api::TimePoint> CollectionTime(const json& session);

// sessions: every live Session (Waiting, Active) plus the finished or deleted ones that need
// clean-up (finalizer, collection due); other finished Sessions may be left out, as they need
// nothing (session_index.h lists exactly these). labs: the Labs the plan may touch — those the
// live sessions name, those held, those kept warm — by name; a session's Lab missing here is
// taken as not existing. Shared objects (Store::ListIndexed): nothing is copied but
// the statuses that change.
QueuePlan PlanQueue(const std::vector<std::shared_ptr<const json>>& sessions,
                    const std::map<std::string, json>& labs, const QueueConfig& config,
                    api::TimePoint now);

// A Session joining a queue that is settled with `waiting` Waiting sessions, the first of which
// is blocked: it can only wait, at position waiting + 1, so no other Session needs planning.
// Returns the plan PlanQueue would make for it (its status update, settled waiter and clock).
QueuePlan PlanAppendedWaiter(const json& joining, int64_t waiting, const QueueConfig& config,
                             api::TimePoint now);

// Queue order key of a Session (see header comment).
uint64_t QueuedRevision(const json& session);

}  // namespace labctl::reconcilers
