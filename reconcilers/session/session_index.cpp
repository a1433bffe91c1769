#include "reconcilers/session/session_index.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <set>

#include "api/warm_pool.h"
#include "reconcilers/session/session_queue.h"

namespace labctl::reconcilers {

namespace {

constexpr char kLive[] = "live/";
constexpr char kCleanup[] = "cleanup";
constexpr char kCollect[] = "gc/";
constexpr char kHeld[] = "held";
constexpr char kWarm[] = "warm/";

// Fixed width, so keys sort as times do.
std::string TimeKey(const char* prefix, api::TimePoint t) {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%012" PRId64, prefix, std::max<int64_t>(secs, 0));
  return buf;
}

std::optional<api::TimePoint> KeyTime(const std::string& key, size_t prefix) {
  try {
    return api::TimePoint(std::chrono::seconds(std::stoll(key.substr(prefix))));
  } catch (...) {
    return std::nullopt;
  }
}

std::string StatusField(const api::json& object, const char* key) {
  auto st = object.find("status");
  if (st == object.end() || !st->is_object()) return "";
  auto it = st->find(key);
  return it != st->end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::optional<std::string> SessionQueueKey(const api::json& session) {
  std::string ph = PhaseOf(session);
  bool deleting = api::IsBeingDeleted(session);
  if (deleting || (IsFinishedPhase(ph) && api::HasFinalizer(session, kSessionFinalizer)))
    return kCleanup;
  if (!IsFinishedPhase(ph)) return std::string(kLive) + ph;
  auto collect = CollectionTime(session);
  if (!collect) return std::nullopt;
  return TimeKey(kCollect, *collect);
}

std::optional<std::string> LabQueueKey(const api::json& lab) {
  if (!StatusField(lab, "heldBy").empty()) return kHeld;
  if (lab.value("/spec/runPolicy"_json_pointer, std::string()) == "Always") return std::nullopt;
  int64_t idle = lab.value("/spec/idleTimeoutSeconds"_json_pointer, int64_t{0});
  api::TimePoint released;
  if (idle <= 0 || !api::ParseTime(StatusField(lab, "releasedAt"), &released)) return std::nullopt;
  return TimeKey(kWarm, released + std::chrono::seconds(idle));
}

std::optional<std::string> SessionOrderKey(const api::json& session) {
  if (PhaseOf(session) != phase::kWaiting || api::IsBeingDeleted(session)) return std::nullopt;
  char buf[24];
  std::snprintf(buf, sizeof buf, "%020" PRIu64, QueuedRevision(session));
  return std::string(buf);
}

void AddSessionIndexes(store::Store& store) {
  store.AddIndex({api::Kind::kSession, kSessionQueueIndex, SessionQueueKey});
  store.AddIndex({api::Kind::kLab, kLabQueueIndex, LabQueueKey});
  store.AddIndex({api::Kind::kSession, kSessionOrderIndex, SessionOrderKey});
  store.AddIndex({api::Kind::kLab, api::kWarmPoolIndex, api::WarmPoolIndexKey});
}

QueueInputs ReadQueueInputs(const store::Store& store, api::TimePoint now) {
  QueueInputs in;
  const std::string due_until = TimeKey(kCollect, now) + '\0';
  // Read in this order, each list at least as new as the one before: a Session that moves from
  // live to clean-up (or on to collection) between two reads is seen twice, never missed, and
  // its newest state is the one kept.
  auto live =
      store.ListIndexed(api::Kind::kSession, kSessionQueueIndex, store::IndexRange::Prefix(kLive));
  auto cleanup = store.ListIndexed(api::Kind::kSession, kSessionQueueIndex,
                                   store::IndexRange::Exactly(kCleanup));
  auto due = store.ListIndexed(api::Kind::kSession, kSessionQueueIndex,
                               store::IndexRange{kCollect, due_until});
  in.revision = live.revision;
  if (due.items.empty() && cleanup.items.empty()) {
    in.sessions = std::move(live.items);  // the usual case: nothing to merge
  } else {
    std::set<std::string> seen;
    for (auto* list : {&due, &cleanup, &live})
      for (auto& s : list->items)
        if (seen.insert(api::Name(*s)).second) in.sessions.push_back(std::move(s));
  }
  if (auto next = store.FirstIndexKey(api::Kind::kSession, kSessionQueueIndex, due_until);
      next && next->rfind(kCollect, 0) == 0)
    in.next_collection = KeyTime(*next, sizeof(kCollect) - 1);

  ReadQueueLabs(store, now, &in);
  return in;
}

// The Labs a plan of `in.sessions` may touch: held, warm (not expired) and those the live ones
// name.
void ReadQueueLabs(const store::Store& store, api::TimePoint now, QueueInputs* in) {
  auto held = store.ListIndexed(api::Kind::kLab, kLabQueueIndex, store::IndexRange::Exactly(kHeld));
  auto warm = store.ListIndexed(api::Kind::kLab, kLabQueueIndex,
                                store::IndexRange{TimeKey(kWarm, now) + '\0', "warm0"});
  for (auto* list : {&held, &warm})
    for (const auto& lab : list->items) in->labs.emplace(api::Name(*lab), *lab);
  // Any live Session may be promoted in this run, so the Labs they name (and hold) are read too
  // (once per Lab: there are few Labs, however long the queue), and the spares of a warm pool a
  // waiter may be handed.
  auto read = [&](const std::string& lab) {
    if (lab.empty() || in->labs.count(lab)) return;
    if (auto got = store.Get(api::Kind::kLab, lab); got.ok())
      in->labs.emplace(lab, std::move(*got));
  };
  std::set<std::string> templates;
  for (const auto& s : in->sessions) {
    if (IsFinishedPhase(PhaseOf(*s))) continue;
    const api::json* named = api::FieldAt(*s, "spec", "lab");
    if (!named || !named->is_string()) continue;
    read(named->get<std::string>());
    read(api::SessionLab(*s));
    if (PhaseOf(*s) == phase::kWaiting) templates.insert(named->get<std::string>());
  }
  for (const auto& templ : templates) {
    auto t = in->labs.find(templ);
    if (t == in->labs.end() || api::WarmPoolSize(t->second) == 0) continue;
    for (const auto& spare :
         store.ListIndexed(api::Kind::kLab, api::kWarmPoolIndex, store::IndexRange::Exactly(templ))
             .items)
      in->labs.emplace(api::Name(*spare), *spare);
  }
}

QueueInputs ReadHandOverInputs(const store::Store& store, std::shared_ptr<const api::json> released,
                               int slots, api::TimePoint now) {
  QueueInputs in;
  auto active = store.ListIndexed(api::Kind::kSession, kSessionQueueIndex,
                                  store::IndexRange::Exactly(std::string(kLive) + phase::kActive));
  in.revision = active.revision;
  in.sessions = std::move(active.items);
  // The waiters that may take a free slot: the first ones in queue order.
  std::string from;
  for (int free = slots - static_cast<int>(in.sessions.size()); free > 0; --free) {
    auto key = store.FirstIndexKey(api::Kind::kSession, kSessionOrderIndex, from);
    if (!key) break;
    for (auto& s :
         store
             .ListIndexed(api::Kind::kSession, kSessionOrderIndex, store::IndexRange::Exactly(*key))
             .items)
      in.sessions.push_back(std::move(s));
    from = *key + '\0';
  }
  in.sessions.push_back(std::move(released));
  ReadQueueLabs(store, now, &in);
  return in;
}

size_t CountLiveSessions(const store::Store& store) {
  return store.CountIndexed(api::Kind::kSession, kSessionQueueIndex,
                            store::IndexRange::Prefix(kLive));
}

size_t CountWaitingSessions(const store::Store& store) {
  return store.CountIndexed(api::Kind::kSession, kSessionQueueIndex,
                            store::IndexRange::Exactly(std::string(kLive) + phase::kWaiting));
}

std::vector<std::shared_ptr<const api::json>> ActiveSessions(const store::Store& store) {
  return store
      .ListIndexed(api::Kind::kSession, kSessionQueueIndex,
                   store::IndexRange::Exactly(std::string(kLive) + phase::kActive))
      .items;
}

int64_t QueuePosition(const store::Store& store, const api::json& session) {
  auto key = SessionOrderKey(session);
  if (!key) return 0;
  return static_cast<int64_t>(store.CountIndexed(api::Kind::kSession, kSessionOrderIndex,
                                                 store::IndexRange{"", *key})) +
         1;
}

bool IsWaiter(const api::json& object) {
  auto kind = object.find("kind");
  return kind != object.end() && *kind == "Session" && SessionOrderKey(object) &&
         (!object.contains("status") || object["status"].is_object());
}

void FillQueuePosition(const store::Store& store, api::json& object) {
  if (IsWaiter(object)) object["status"]["position"] = QueuePosition(store, object);
}

void FillQueuePositions(const store::Store& store, std::vector<api::json>& objects) {
  if (std::none_of(objects.begin(), objects.end(), IsWaiter)) return;
  auto positions = QueuePositions(store);
  for (auto& o : objects) {
    if (!IsWaiter(o)) continue;
    auto p = positions.find(api::Name(o));
    o["status"]["position"] = p != positions.end() ? p->second : QueuePosition(store, o);
  }
}

std::unordered_map<std::string, int64_t> QueuePositions(const store::Store& store) {
  std::unordered_map<std::string, int64_t> positions;
  int64_t position = 0;
  for (auto& name :
       store.IndexedNames(api::Kind::kSession, kSessionOrderIndex, store::IndexRange{"", ""}))
    positions.emplace(std::move(name), ++position);
  return positions;
}

}  // namespace labctl::reconcilers
