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
//
// So a planning run reads the live queue, the clean-up work, the collections due, the Labs that
// are held or warm and those the live Sessions name — what grows with history (finished Sessions,
// idle Labs) is never read.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/clock.h"
#include "store/store.h"

namespace labctl::reconcilers {

inline constexpr char kSessionQueueIndex[] = "session-queue";
inline constexpr char kLabQueueIndex[] = "session-queue-labs";

std::optional<std::string> SessionQueueKey(const api::json& session);
std::optional<std::string> LabQueueKey(const api::json& lab);

// Registers both indexes (idempotent).
void AddSessionIndexes(store::Store& store);

// What a planning run reads (see header comment), and the store revision it is consistent with.
struct QueueInputs {
  std::vector<std::shared_ptr<const api::json>> sessions;
  std::map<std::string, api::json> labs;
  uint64_t revision = 0;
  std::optional<api::TimePoint> next_collection;  // the earliest collection not yet due
};
QueueInputs ReadQueueInputs(const store::Store& store, api::TimePoint now);

// Live sessions: every one (Waiting and Active), or only the Active ones.
size_t CountLiveSessions(const store::Store& store);
size_t CountWaitingSessions(const store::Store& store);
std::vector<std::shared_ptr<const api::json>> ActiveSessions(const store::Store& store);

}  // namespace labctl::reconcilers
