// Store: the durable object store behind labd.
//
// Current objects of each kind live in memory (reads never touch SQLite) and in an SQLite file
// (WAL) in the data dir, together with a change log keyed by one global, monotonically increasing
// revision, which is every object's resourceVersion. Writes are queued to one writer thread that
// groups concurrent writes into one transaction, commits, and only then publishes each change to
// the in-process watch hub and answers the caller: a returned write is durable. Watchers resume
// from any revision still in the (compacted) change log; older revisions get Gone (410).
//
// Thread-safe. Open() takes an exclusive flock on <data_dir>/labd.lock; a second Open on the same
// dir fails naming the holder's pid.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/clock.h"
#include "api/object.h"
#include "api/selector.h"
#include "api/status.h"

namespace labctl::store {

using api::json;
using api::Kind;
using api::Result;
using api::Status;

struct Options {
  std::string data_dir;               // created if missing
  const api::Clock* clock = nullptr;  // nullptr: system clock
  // Change-log compaction: keep at most this many changes, at most this many bytes of them (an
  // estimate of the memory they hold, see docs/architecture.md), and none older than
  // max_history_age. Watches from before what compaction removed get Gone (410).
  size_t max_history = 100'000;
  size_t max_history_bytes = 64 << 20;
  std::chrono::seconds max_history_age{3600};
  // "FULL" (survives power loss) or "NORMAL" (survives a process crash). See docs/architecture.md.
  std::string synchronous = "NORMAL";
  size_t watch_buffer = 4096;  // events buffered per watcher before it is closed
  bool take_lock = true;       // flock labd.lock (tests of two stores in one process)
};

enum class ChangeType { kAdded, kModified, kDeleted };

// One committed change. `object` is the object after the change (for kDeleted: its last state,
// with the deleting revision as resourceVersion); `previous` is the state before (null for
// kAdded). Shared and immutable, so fan-out to many watchers copies no JSON.
struct Change {
  uint64_t revision = 0;
  ChangeType type = ChangeType::kAdded;
  Kind kind = Kind::kLab;
  std::shared_ptr<const json> object;
  std::shared_ptr<const json> previous;
  std::shared_ptr<const std::string> text;  // `object` serialized, shared with the store's copy
};

// What a watcher receives. kBookmark carries only a revision; kError carries a Status (e.g. Gone
// when the watcher fell behind its buffer, Unavailable on store shutdown) and ends the watch.
struct WatchEvent {
  enum Type { kAdded, kModified, kDeleted, kBookmark, kError } type = kAdded;
  uint64_t revision = 0;
  std::shared_ptr<const json> object;  // null for kBookmark/kError
  // `object` as JSON text when the store has it (it keeps objects serialized), so that streaming
  // an event to many watchers serializes nothing.
  std::shared_ptr<const std::string> text;
  Status error;  // for kError
};

class Watch {
 public:
  virtual ~Watch() = default;
  enum class Next { kEvent, kTimeout, kClosed };
  // Waits up to `timeout` for the next event. kClosed after the kError event (or Cancel).
  virtual Next Poll(WatchEvent* out, std::chrono::milliseconds timeout) = 0;
  // The revision up to which this watcher has been sent everything (for bookmarks).
  virtual uint64_t Revision() const = 0;
  // Thread-safe; wakes a blocked Poll, which then returns kClosed.
  virtual void Cancel() = 0;
};

struct ListResult {
  std::vector<json> items;  // sorted by name
  uint64_t revision = 0;    // the store revision the list is consistent with
};

// The current objects of one kind as shared, immutable JSON: listing copies no object.
struct SharedList {
  std::vector<std::shared_ptr<const json>> items;  // sorted by name
  uint64_t revision = 0;                           // the store revision the list is consistent with
};

// A secondary index (Store::AddIndex): the key an object of `kind` is filed under, nullopt to
// leave it out. `key` runs on the writer thread for every write of the kind, under the state
// lock: it must be pure and cheap (a few field reads).
struct IndexSpec {
  Kind kind = Kind::kLab;
  std::string name;
  std::function<std::optional<std::string>(const json& object)> key;
};

// Keys in [from, to); `to` empty: no upper bound. Prefix("a/") is every key starting "a/".
struct IndexRange {
  std::string from;
  std::string to;
  static IndexRange Exactly(const std::string& key) { return {key, key + '\0'}; }
  static IndexRange Prefix(const std::string& prefix) {
    std::string to = prefix;
    while (!to.empty() && static_cast<unsigned char>(to.back()) == 0xff) to.pop_back();
    if (!to.empty()) to.back() = static_cast<char>(to.back() + 1);
    return {prefix, to};
  }
};

struct WatchOptions {
  // nullopt: ADDED for every existing object first, then changes. A value N: only changes after
  // N (Gone if N is older than the compacted history).
  std::optional<uint64_t> from_revision;
  api::Selector selector;  // objects that stop matching arrive as DELETED
  std::string name;        // non-empty: only this object (fieldSelector metadata.name=)
  // Optional: asked by the store's writer about each live change this watch would get (not the
  // initial list or a replay), before the consumer is woken; false drops the event (the watch's
  // Revision still moves past it). For a consumer that knows some changes need no reaction (the
  // session queue's controller skips those it planned inline), so the write wakes nobody. Must be
  // cheap and must not block or call the store.
  std::function<bool(const WatchEvent& event)> live_filter;
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const Options& options);
  virtual ~Store() = default;

  // Sets uid, resourceVersion, generation=1, creationTimestamp; honours metadata.generateName
  // (name = generateName + 5 random [a-z0-9]). Drops status. AlreadyExists if the name exists.
  virtual Result<json> Create(Kind kind, json object) = 0;
  // Replaces metadata.labels/annotations/finalizers and spec; ignores status and server-set
  // metadata. If metadata.resourceVersion is non-empty it must match (else Conflict). generation
  // is bumped only when spec changed. An object being deleted whose finalizers become empty is
  // removed (the returned object is its last state). NotFound if missing. An update that changes
  // nothing commits nothing and returns the current object.
  virtual Result<json> Update(Kind kind, json object) = 0;
  // Replaces status only (same resourceVersion precondition); never bumps generation.
  virtual Result<json> UpdateStatus(Kind kind, json object) = 0;
  // For controllers that write what an object is and its status in one change (one revision,
  // one commit): CreateWithStatus is Create keeping the given status; Replace is Update that
  // replaces the status too. The defaults take two writes.
  virtual Result<json> CreateWithStatus(Kind kind, json object) {
    json status = object.value("status", json::object());
    auto created = Create(kind, std::move(object));
    if (!created.ok()) return created;
    (*created)["status"] = std::move(status);
    return UpdateStatus(kind, std::move(*created));
  }
  virtual Result<json> Replace(Kind kind, json object) {
    json status = object.value("status", json::object());
    auto updated = Update(kind, std::move(object));
    if (!updated.ok() || api::IsBeingDeleted(*updated)) return updated;
    (*updated)["status"] = std::move(status);
    return UpdateStatus(kind, std::move(*updated));
  }
  // UpdateStatus of several objects handed to the writer at once, so they share one commit (each
  // still checks its own precondition and succeeds or fails alone). Results in input order.
  virtual std::vector<Result<json>> UpdateStatuses(Kind kind, std::vector<json> objects) {
    std::vector<Result<json>> out;
    for (auto& o : objects) out.push_back(UpdateStatus(kind, std::move(o)));
    return out;
  }
  // With finalizers: sets deletionTimestamp (once) and returns the object. Without: removes it
  // and returns its last state. `uid`, if given, must match (Conflict otherwise).
  virtual Result<json> Delete(Kind kind, const std::string& name,
                              const std::optional<std::string>& uid = std::nullopt) = 0;

  virtual Result<json> Get(Kind kind, const std::string& name) const = 0;
  // limit 0 = all.
  virtual ListResult List(Kind kind, const api::Selector& selector = {},
                          size_t limit = 0) const = 0;
  // Every object of a kind without copying them, for reconcilers that scan a whole kind on each
  // run (the session queue). The default copies List(); SqliteStore shares its memory.
  virtual SharedList ListShared(Kind kind) const {
    ListResult list = List(kind);
    SharedList out;
    out.revision = list.revision;
    for (auto& item : list.items)
      out.items.push_back(std::make_shared<const json>(std::move(item)));
    return out;
  }
  virtual Result<std::unique_ptr<Watch>> WatchKind(Kind kind, const WatchOptions& options) = 0;

  // Secondary indexes, so that hot paths (the session queue, the Neops facade) look objects up
  // by a field instead of scanning a kind that grows with history. AddIndex registers one and
  // files every existing object (a no-op if an index of that kind and name exists); from then on
  // every write refiles its object, under the same lock as the object itself, so an index read
  // agrees with Get and List of the same moment. The defaults scan List(); SqliteStore keeps
  // ordered maps (store/object_index.h).
  virtual void AddIndex(IndexSpec spec);
  // The objects filed under keys in `range`, shared like ListShared, ordered by key then name.
  // An unknown index lists nothing.
  virtual SharedList ListIndexed(Kind kind, const std::string& index,
                                 const IndexRange& range) const;
  virtual size_t CountIndexed(Kind kind, const std::string& index, const IndexRange& range) const;
  // The names filed under keys in `range`, ordered by key then name, without the objects.
  virtual std::vector<std::string> IndexedNames(Kind kind, const std::string& index,
                                                const IndexRange& range) const;
  // The smallest key >= from that files any object.
  virtual std::optional<std::string> FirstIndexKey(Kind kind, const std::string& index,
                                                   const std::string& from) const;

  virtual uint64_t Revision() const = 0;
  // Oldest revision a watch can still resume from (exclusive lower bound).
  virtual uint64_t CompactedRevision() const = 0;
  // Applies the compaction policy now (it also runs periodically on the writer thread).
  virtual void Compact() = 0;

 private:
  // The default index methods' specs (SqliteStore keeps its own).
  mutable std::mutex default_index_mu_;
  std::vector<IndexSpec> default_indexes_;
  std::vector<std::pair<std::string, std::shared_ptr<const json>>> ScanIndex(
      Kind kind, const std::string& index, const IndexRange& range) const;
};

}  // namespace labctl::store
