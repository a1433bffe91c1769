// SqliteStore: the Store implementation — memory for reads, ObjectDb for durability, one writer
// thread for every mutation, and the WatchHub for fan-out (see store.h for the contract).
//
// Writer: takes every pending request, applies them in order to its view of the state
// (object_rules), writes all resulting changes in ONE transaction (group commit), then updates
// memory, publishes to the hub and answers each caller. A request that fails validation fails
// alone; a failed commit fails every request of the batch that wanted to write.
// One writer at a time (`writing_`): a caller that finds no write under way and none queued runs
// its own request as a batch of one on its thread (two thread hand-offs fewer per write: the
// writer's wake-up and the answer's); requests arriving meanwhile queue for the writer thread,
// which takes them all as one batch, and which also runs compaction and space reclaiming.
#pragma once

#include <array>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/data_dir_lock.h"
#include "store/ids.h"
#include "store/object_db.h"
#include "store/object_index.h"
#include "store/object_rules.h"
#include "store/store.h"
#include "store/watch_hub.h"

namespace labctl::store {

class SqliteStore : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const Options& options);
  // Stops accepting writes, commits the pending ones, ends watches with Unavailable.
  ~SqliteStore() override;

  Result<json> Create(Kind kind, json object) override;
  Result<json> Update(Kind kind, json object) override;
  Result<json> UpdateStatus(Kind kind, json object) override;
  Result<json> CreateWithStatus(Kind kind, json object) override;
  Result<json> Replace(Kind kind, json object) override;
  std::vector<Result<json>> UpdateStatuses(Kind kind, std::vector<json> objects) override;
  Result<json> Delete(Kind kind, const std::string& name,
                      const std::optional<std::string>& uid) override;
  Result<json> Get(Kind kind, const std::string& name) const override;
  ListResult List(Kind kind, const api::Selector& selector, size_t limit) const override;
  SharedList ListShared(Kind kind) const override;
  void AddIndex(IndexSpec spec) override;
  SharedList ListIndexed(Kind kind, const std::string& index,
                         const IndexRange& range) const override;
  size_t CountIndexed(Kind kind, const std::string& index, const IndexRange& range) const override;
  std::vector<std::string> IndexedNames(Kind kind, const std::string& index,
                                        const IndexRange& range) const override;
  std::optional<std::string> FirstIndexKey(Kind kind, const std::string& index,
                                           const std::string& from) const override;
  Result<std::unique_ptr<Watch>> WatchKind(Kind kind, const WatchOptions& options) override;
  uint64_t Revision() const override;
  uint64_t CompactedRevision() const override;
  void Compact() override;

 private:
  enum class Op { kCreate, kUpdate, kUpdateStatus, kDelete, kCompact };
  struct Request {
    Op op = Op::kCreate;
    Kind kind = Kind::kLab;
    json object;
    std::string name;
    std::optional<std::string> uid;
    bool with_status = false;  // kCreate: keep the given status; kUpdate: replace it too
    std::promise<Result<json>> done;
  };
  using Objects = std::map<std::string, PackedPtr>;
  // Objects written earlier in the current batch (null: deleted), over the committed ones.
  using Overlay = std::map<std::pair<Kind, std::string>, PackedPtr>;

  explicit SqliteStore(const Options& options);
  Result<json> Submit(std::unique_ptr<Request> request);
  Result<json> SubmitWrite(Op op, Kind kind, json object, bool with_status = false);
  // A write ready to commit: its result and, if it changes anything, the change.
  struct Prepared {
    Result<json> result = json();
    std::optional<Change> change;
    std::optional<PackedChange> packed;  // `change` as the log keeps it
  };

  void WriterLoop();
  // Processes a batch and answers every request; nothing it calls can end the writer thread.
  void RunBatch(std::vector<std::unique_ptr<Request>>& batch);
  std::vector<Result<json>> ProcessBatch(std::vector<std::unique_ptr<Request>>& batch);
  // Applies the rules for one request against the batch so far; exceptions become Internal.
  Result<Prepared> PrepareWrite(const Request& request, const Overlay& overlay,
                                const WriteContext& ctx);
  // `current`: the object the request names as the batch has it so far (null for creates).
  Result<WriteOutcome> Apply(const Request& request, const ObjectPtr& current,
                             const Overlay& overlay, const WriteContext& ctx);
  PackedPtr Current(const Overlay& overlay, Kind kind, const std::string& name) const;
  void ApplyToMemory(const Overlay& overlay, const std::vector<Change>& changes);
  // Compaction and giving free pages back, when due (`forced`: now, everything).
  bool CompactionDue() const;
  void Maintain(bool forced);
  void CompactHistory(bool forced);
  void ReclaimFreePages(bool forced);
  Snapshot SnapshotOf(Kind kind) const;
  // The parsed form of each packed object, from the cache below.
  SharedList Shared(Kind kind, const std::vector<PackedPtr>& objects, uint64_t revision,
                    bool complete) const;

  const Options options_;
  const api::Clock* const clock_;
  std::unique_ptr<DataDirLock> lock_;
  std::unique_ptr<ObjectDb> db_;
  std::shared_ptr<WatchHub> hub_;

  mutable std::shared_mutex state_mu_;            // written only by the holder of writing_
  std::array<Objects, api::kKindCount> objects_;  // indexed by Kind
  uint64_t revision_ = 0;
  ObjectIndexes indexes_;  // under state_mu_, like objects_

  // ListShared's and ListIndexed's parsed objects, reused while an object's packed version is
  // unchanged: the session queue reads every live Session on each planning run, and parsing
  // them each time cost ~20 ms per hand-over at 1,000. A write of a cached object caches the
  // writer's parsed result, so hot objects are never parsed again.
  struct ParsedEntry {
    PackedPtr packed;
    std::shared_ptr<const json> parsed;
    uint64_t mark = 0;
  };
  mutable std::mutex parsed_mu_;
  mutable std::array<std::unordered_map<std::string, ParsedEntry>, api::kKindCount> parsed_;
  mutable uint64_t parsed_mark_ = 0;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<std::unique_ptr<Request>> queue_;
  bool stopping_ = false;
  bool writing_ = false;             // someone (thread or caller) runs a batch or maintenance
  bool maintenance_wanted_ = false;  // an inline write found compaction due

  // Whoever holds `writing_` only.
  IdSource ids_;
  size_t writes_since_compaction_ = 0;
  bool reclaim_pending_ = true;  // labd.db may hold free pages worth giving back
  std::chrono::steady_clock::time_point last_compaction_;
  std::thread writer_;
};

}  // namespace labctl::store
