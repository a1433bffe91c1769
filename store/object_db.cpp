#include "store/object_db.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "store/wal_checkpointer.h"

namespace labctl::store {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS objects (
  kind TEXT NOT NULL, name TEXT NOT NULL, uid TEXT NOT NULL, revision INTEGER NOT NULL,
  body TEXT NOT NULL, PRIMARY KEY (kind, name));
CREATE TABLE IF NOT EXISTS changes (
  revision INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
  body TEXT NOT NULL, ts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
)sql";

const char* TypeName(ChangeType t) {
  switch (t) {
    case ChangeType::kAdded:
      return "ADDED";
    case ChangeType::kModified:
      return "MODIFIED";
    case ChangeType::kDeleted:
      return "DELETED";
  }
  return "";
}

std::optional<ChangeType> ParseType(const std::string& s) {
  if (s == "ADDED") return ChangeType::kAdded;
  if (s == "MODIFIED") return ChangeType::kModified;
  if (s == "DELETED") return ChangeType::kDeleted;
  return std::nullopt;
}

int64_t ToMillis(api::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Status DbError(const std::string& what, const std::exception& e) {
  return Status::Internal("store: " + what + ": " + e.what());
}

constexpr std::chrono::milliseconds kWriterBusyTimeout{10000};
// PRAGMA auto_vacuum values.
constexpr int kAutoVacuumIncremental = 2;
// After a checkpoint the WAL file is cut back to this size (SQLite leaves it at its peak).
constexpr char kWalSizeLimit[] = "PRAGMA journal_size_limit=16777216";

int64_t PragmaInt(SQLite::Database& db, const std::string& pragma) {
  return db.execAndGet("PRAGMA " + pragma).getInt64();
}

// Runs a prepared BEGIN/COMMIT/ROLLBACK (reset first: a statement that failed keeps its state).
void Run(SQLite::Statement& statement) {
  statement.reset();
  statement.exec();
}

uintmax_t FileBytes(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace

ObjectDb::ObjectDb() = default;
ObjectDb::~ObjectDb() = default;

Result<std::unique_ptr<ObjectDb>> ObjectDb::Open(const std::string& path,
                                                 const std::string& synchronous) {
  if (synchronous != "OFF" && synchronous != "NORMAL" && synchronous != "FULL" &&
      synchronous != "EXTRA")
    return Status::BadRequest("synchronous must be OFF, NORMAL, FULL or EXTRA, not " + synchronous);
  std::unique_ptr<ObjectDb> db(new ObjectDb());
  try {
    db->db_ = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
    db->db_->exec("PRAGMA journal_mode=WAL");
    db->db_->exec("PRAGMA synchronous=" + synchronous);
    // A RESTART checkpoint (wal_checkpointer.h) holds the write lock for a moment: a commit
    // then waits for it rather than failing with SQLITE_BUSY.
    WaitBrieflyWhenBusy(*db->db_, kWriterBusyTimeout);
    db->db_->exec(kWalSizeLimit);
    db->EnableIncrementalVacuum(path);
    db->db_->exec(kSchema);
    // Checkpoints run on their own thread (wal_checkpointer.h), not inside a commit.
    db->db_->exec("PRAGMA wal_autocheckpoint=0");
    db->checkpointer_ = std::make_unique<WalCheckpointer>(path, synchronous);
  } catch (const std::exception& e) {
    return DbError("open " + path, e);
  }
  LABCTL_RETURN_IF_ERROR(db->Prepare());
  return db;
}

void ObjectDb::EnableIncrementalVacuum(const std::string& path) {
  if (PragmaInt(*db_, "auto_vacuum") == kAutoVacuumIncremental) return;
  db_->exec("PRAGMA auto_vacuum=INCREMENTAL");  // takes effect now if the file has no tables
  if (PragmaInt(*db_, "auto_vacuum") == kAutoVacuumIncremental) return;
  // A file from before needs one VACUUM to switch: it rewrites the whole file (atomically: a
  // crash leaves the old one) and needs free disk for a second copy while it runs. Without it
  // the store still works; freed pages are reused but never returned.
  auto start = std::chrono::steady_clock::now();
  uintmax_t before = FileBytes(path);
  try {
    db_->exec("VACUUM");
    db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const std::exception& e) {
    spdlog::warn(
        "store: could not switch {} to incremental vacuum (freed space stays in the "
        "file): {}",
        path, e.what());
    return;
  }
  spdlog::info("store: switched {} to incremental vacuum bytes_before={} bytes_after={} ms={}",
               path, before, FileBytes(path),
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count());
}

Status ObjectDb::Prepare() {
  try {
    upsert_object_ = std::make_unique<SQLite::Statement>(
        *db_,
        "INSERT INTO objects(kind, name, uid, revision, body) VALUES(?, ?, ?, ?, ?) "
        "ON CONFLICT(kind, name) DO UPDATE SET uid=excluded.uid, revision=excluded.revision, "
        "body=excluded.body");
    delete_object_ =
        std::make_unique<SQLite::Statement>(*db_, "DELETE FROM objects WHERE kind=? AND name=?");
    insert_change_ = std::make_unique<SQLite::Statement>(
        *db_, "INSERT INTO changes(revision, kind, name, type, body, ts) VALUES(?, ?, ?, ?, ?, ?)");
    set_meta_ =
        std::make_unique<SQLite::Statement>(*db_,
                                            "INSERT INTO meta(key, value) VALUES(?, ?) "
                                            "ON CONFLICT(key) DO UPDATE SET value=excluded.value");
    begin_ = std::make_unique<SQLite::Statement>(*db_, "BEGIN");
    commit_ = std::make_unique<SQLite::Statement>(*db_, "COMMIT");
    rollback_ = std::make_unique<SQLite::Statement>(*db_, "ROLLBACK");
  } catch (const std::exception& e) {
    return DbError("prepare", e);
  }
  return Status::Ok();
}

Result<LoadedState> ObjectDb::Load() {
  LoadedState state;
  try {
    SQLite::Statement meta(*db_, "SELECT key, value FROM meta");
    while (meta.executeStep()) {
      std::string key = meta.getColumn(0).getString();
      auto value = static_cast<uint64_t>(meta.getColumn(1).getInt64());
      if (key == "revision") state.revision = value;
      if (key == "compacted") state.compacted = value;
    }
    SQLite::Statement objects(*db_, "SELECT kind, body, revision FROM objects ORDER BY kind, name");
    while (objects.executeStep()) {
      auto kind = api::ParseKind(objects.getColumn(0).getString());
      if (!kind) return Status::Internal("store: unknown kind " + objects.getColumn(0).getString());
      state.objects.emplace_back(*kind, Pack(json::parse(objects.getColumn(1).getString())));
      state.revision =
          std::max(state.revision, static_cast<uint64_t>(objects.getColumn(2).getInt64()));
    }
    // Rebuild `previous` from earlier entries of the same object in the log.
    std::map<std::pair<Kind, std::string>, PackedPtr> last;
    SQLite::Statement changes(
        *db_, "SELECT revision, kind, name, type, body, ts FROM changes ORDER BY revision");
    while (changes.executeStep()) {
      LoggedChange lc;
      lc.change.revision = static_cast<uint64_t>(changes.getColumn(0).getInt64());
      auto kind = api::ParseKind(changes.getColumn(1).getString());
      auto type = ParseType(changes.getColumn(3).getString());
      if (!kind || !type)
        return Status::Internal("store: bad change at revision " +
                                std::to_string(lc.change.revision));
      lc.change.kind = *kind;
      lc.change.type = *type;
      lc.change.object = Pack(json::parse(changes.getColumn(4).getString()));
      lc.time = api::TimePoint(std::chrono::milliseconds(changes.getColumn(5).getInt64()));
      auto key = std::make_pair(*kind, changes.getColumn(2).getString());
      if (auto it = last.find(key); it != last.end()) lc.change.previous = it->second;
      if (*type == ChangeType::kDeleted)
        last.erase(key);
      else
        last[key] = lc.change.object;
      state.revision = std::max(state.revision, lc.change.revision);
      state.log.Append(std::move(lc));
    }
    state.revision = std::max(state.revision, state.compacted);
  } catch (const std::exception& e) {
    return DbError("load", e);
  }
  return state;
}

void ObjectDb::SetMeta(const char* key, uint64_t value) {
  set_meta_->reset();
  set_meta_->bind(1, key);
  set_meta_->bind(2, static_cast<int64_t>(value));
  set_meta_->exec();
}

Status ObjectDb::Commit(const std::vector<Change>& changes, api::TimePoint time) {
  if (changes.empty()) return Status::Ok();
  bool open = false;
  try {
    Run(*begin_);
    open = true;
    for (const Change& c : changes) {
      const json& o = *c.object;
      std::string kind = api::KindName(c.kind);
      std::string name = api::Name(o);
      std::string dumped;  // only for a change the store did not serialize already
      if (!c.text) dumped = o.dump();
      const std::string& body = c.text ? *c.text : dumped;
      if (c.type == ChangeType::kDeleted) {
        delete_object_->reset();
        delete_object_->bind(1, kind);
        delete_object_->bind(2, name);
        delete_object_->exec();
      } else {
        upsert_object_->reset();
        upsert_object_->bind(1, kind);
        upsert_object_->bind(2, name);
        upsert_object_->bind(3, api::Uid(o));
        upsert_object_->bind(4, static_cast<int64_t>(c.revision));
        upsert_object_->bindNoCopy(5, body);
        upsert_object_->exec();
      }
      insert_change_->reset();
      insert_change_->bind(1, static_cast<int64_t>(c.revision));
      insert_change_->bind(2, kind);
      insert_change_->bind(3, name);
      insert_change_->bind(4, TypeName(c.type));
      insert_change_->bindNoCopy(5, body);
      insert_change_->bind(6, ToMillis(time));
      insert_change_->exec();
    }
    Run(*commit_);
    open = false;
  } catch (const std::exception& e) {
    try {
      if (open) Run(*rollback_);
    } catch (const std::exception&) {  // the transaction is gone already (e.g. a failed COMMIT)
    }
    return DbError("commit", e);
  }
  if (checkpointer_) checkpointer_->Committed();
  return Status::Ok();
}

Status ObjectDb::Compact(uint64_t through) {
  try {
    SQLite::Transaction tx(*db_);
    SQLite::Statement del(*db_, "DELETE FROM changes WHERE revision <= ?");
    del.bind(1, static_cast<int64_t>(through));
    del.exec();
    SetMeta("compacted", through);
    tx.commit();
  } catch (const std::exception& e) {
    return DbError("compact", e);
  }
  return Status::Ok();
}

Result<int64_t> ObjectDb::FreePages() {
  try {
    return PragmaInt(*db_, "freelist_count");
  } catch (const std::exception& e) {
    return DbError("freelist_count", e);
  }
}

Result<int64_t> ObjectDb::ReclaimSpace(int64_t max_pages) {
  try {
    int64_t before = PragmaInt(*db_, "freelist_count");
    if (before == 0 || max_pages <= 0) return int64_t{0};
    db_->exec("PRAGMA incremental_vacuum(" + std::to_string(max_pages) + ")");
    // In WAL mode the file shrinks when the checkpoint copies the vacuum back into it.
    db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
    return before - PragmaInt(*db_, "freelist_count");
  } catch (const std::exception& e) {
    return DbError("incremental vacuum", e);
  }
}

}  // namespace labctl::store
