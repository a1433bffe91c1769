// ObjectDb: the SQLite file (WAL mode) behind the store — current objects, the change log and
// meta (the compacted revision). The current revision is not written per commit: Load takes the
// highest of the objects' and the log's revisions and the compacted one (a file written before
// keeps a meta "revision" row, also counted). Every Commit is one transaction; when it returns OK
// the batch is durable per the `synchronous` setting (NORMAL: survives a process crash; FULL: also
// power loss). SQLiteCpp exceptions stop here and become Status values.
// The file uses incremental auto-vacuum, so pages freed by deletes and compaction can be handed
// back to the file system (ReclaimSpace); a file created without it is converted once at Open.
// Not thread-safe: after Open only the store's writer thread uses it (its WAL checkpoints run on
// a WalCheckpointer's own thread and connection, so no commit waits for one).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/change_log.h"
#include "store/store.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace labctl::store {

class WalCheckpointer;

struct LoadedState {
  std::vector<std::pair<Kind, PackedPtr>> objects;
  ChangeLog log;  // `previous` is filled in where the earlier state is still in the log
  uint64_t revision = 0;
  uint64_t compacted = 0;
};

class ObjectDb {
 public:
  // Creates the schema if missing. `synchronous`: OFF, NORMAL, FULL or EXTRA.
  static Result<std::unique_ptr<ObjectDb>> Open(const std::string& path,
                                                const std::string& synchronous);
  ~ObjectDb();
  ObjectDb(const ObjectDb&) = delete;
  ObjectDb& operator=(const ObjectDb&) = delete;

  Result<LoadedState> Load();
  // One transaction: applies each change to `objects` and appends it to `changes`. `changes` is
  // in ascending revision order.
  Status Commit(const std::vector<Change>& changes, api::TimePoint time);
  // Removes changes with revision <= through and records it as the compacted revision.
  Status Compact(uint64_t through);
  // Free pages in the file (left by deletes; reused by later writes or reclaimed).
  Result<int64_t> FreePages();
  // Returns up to `max_pages` free pages to the file system (incremental vacuum + checkpoint,
  // after which labd.db is smaller). Returns the pages reclaimed.
  Result<int64_t> ReclaimSpace(int64_t max_pages);

 private:
  ObjectDb();
  Status Prepare();
  // Turns incremental auto-vacuum on: directly on a new file, by a one-time VACUUM otherwise.
  void EnableIncrementalVacuum(const std::string& path);
  void SetMeta(const char* key, uint64_t value);

  std::unique_ptr<SQLite::Database> db_;
  std::unique_ptr<SQLite::Statement> upsert_object_;
  std::unique_ptr<SQLite::Statement> delete_object_;
  std::unique_ptr<SQLite::Statement> insert_change_;
  std::unique_ptr<SQLite::Statement> set_meta_;
  // Commit's transaction, prepared once (SQLite::Transaction parses BEGIN and COMMIT each time).
  std::unique_ptr<SQLite::Statement> begin_;
  std::unique_ptr<SQLite::Statement> commit_;
  std::unique_ptr<SQLite::Statement> rollback_;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // after db_: stopped first
};

}  // namespace labctl::store
