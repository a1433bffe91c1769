// SessionIndex: the store indexes (Store::AddIndex) the session queue and the Neops facade read
// instead of scanning every Session and every Lab, and the queries over them.
//
// Sessions, index "session-queue", one key each:
//   live/Active, live/Waiting     in the queue (Waiting also for a Session not planned yet);
//   cleanup                       finished or being deleted and still carrying the queue's
//                                 finalizer, or being deleted: the planner has work on it;
//   gc/<12-digit epoch seconds>   finished, waiting for its garbage collection at that time;
//   (none)                        finished without a collection time: nothing will happen to it.
// Labs, index "session-queue-labs": held (status.heldBy set), warm/<epoch seconds> (released,
// kept warm until then), none otherwise.
// Sessions, index "session-order": the queue order of the Waiting Sessions not being deleted,
// keyed by their 20-digit queuedRevision (resourceVersion until stamped). A waiter's
// status.position is its rank there: it is not stored but filled in when a Session is read
// (QueuePosition, WithQueuePosition), so a promotion moves every waiter without writing them.
//
// So a planning run reads the live queue, the clean-up work, the collections due, the Labs that
// are held or warm and those the live Sessions name — what grows with history (finished Sessions,
// idle Labs) is never read.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/clock.h"
#include "store/store.h"

namespace labctl::reconcilers {

inline constexpr char kSessionQueueIndex[] = "session-queue";
inline constexpr char kLabQueueIndex[] = "session-queue-labs";
inline constexpr char kSessionOrderIndex[] = "session-order";

std::optional<std::string> SessionQueueKey(const api::json& session);
std::optional<std::string> LabQueueKey(const api::json& lab);

std::optional<std::string> SessionOrderKey(const api::json& session);

// Registers the three indexes, and the warm-pool index of Labs (api/warm_pool.h; idempotent).
void AddSessionIndexes(store::Store& store);

// What a planning run reads (see header comment), and the store revision it is consistent with.
struct QueueInputs {
  std::vector<std::shared_ptr<const api::json>> sessions;
  std::map<std::string, api::json> labs;
  uint64_t revision = 0;
  std::optional<api::TimePoint> next_collection;  // the earliest collection not yet due
};
QueueInputs ReadQueueInputs(const store::Store& store, api::TimePoint now);
// What a hand-over's plan reads when the queue was settled just before `released` (an Active
// Session without a Lab) was released: every Active Session, the waiters that may take the free
// slots (the first ones in queue order), `released` and the Labs these may touch. The waiters
// further back need no planning: each moves up, which only restarts its queue clock.
QueueInputs ReadHandOverInputs(const store::Store& store, std::shared_ptr<const api::json> released,
                               int slots, api::TimePoint now);
// Adds to `in` the Labs a plan of in->sessions may touch: held, kept warm, named by a live one.
void ReadQueueLabs(const store::Store& store, api::TimePoint now, QueueInputs* in);

// Live sessions: every one (Waiting and Active), or only the Active ones.
size_t CountLiveSessions(const store::Store& store);
size_t CountWaitingSessions(const store::Store& store);
std::vector<std::shared_ptr<const api::json>> ActiveSessions(const store::Store& store);

// A Session's place in the queue as the store has it now: 1 = next for a Waiting Session not
// being deleted, 0 for any other. Costs a walk of the waiters ahead of it.
int64_t QueuePosition(const store::Store& store, const api::json& session);
// Sets status.position of a Waiting Session to QueuePosition; any other object (a Lab, a
// Session that is not waiting, whose stored position is 0) is left as it is.
void FillQueuePosition(const store::Store& store, api::json& object);
// The same for a list, with one walk of the order index.
void FillQueuePositions(const store::Store& store, std::vector<api::json>& objects);
// Every waiter's position, by name (one walk of the order index).
std::unordered_map<std::string, int64_t> QueuePositions(const store::Store& store);

}  // namespace labctl::reconcilers
