#include "store/sqlite_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "store/store_metrics.h"

namespace labctl::store {
namespace {

// Compaction runs on the writer thread after this many writes or this much time, and at once
// when the history passes its byte budget; it cuts the history to 7/8 of the budget, so a steady
// stream of writes compacts in steps rather than at every write.
constexpr size_t kCompactEveryWrites = 1000;
constexpr auto kCompactEvery = std::chrono::seconds(30);
// Free pages of labd.db go back to the file system once there are this many (4 MiB at SQLite's
// 4 KiB pages), at most kReclaimPagesPerPass at a time so that writes never wait long behind it;
// an idle writer goes on each second until the file is tight.
constexpr int64_t kReclaimAbovePages = 1024;
constexpr int64_t kReclaimPagesPerPass = 2048;
constexpr auto kWriterIdleWake = std::chrono::seconds(1);

size_t Index(Kind kind) { return static_cast<size_t>(kind); }

const char* OpName(int op) {
  static const char* kNames[] = {"create", "update", "update-status", "delete", "compact"};
  return op >= 0 && op < 5 ? kNames[op] : "?";
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const Options& options) {
  return SqliteStore::Open(options);
}

SqliteStore::SqliteStore(const Options& options)
    : options_(options),
      clock_(options.clock ? options.clock : &api::SystemClock::Instance()),
      last_compaction_(std::chrono::steady_clock::now()) {}

Result<std::unique_ptr<Store>> SqliteStore::Open(const Options& options) {
  if (options.data_dir.empty()) return Status::BadRequest("store: data_dir is required");
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec)
    return Status::Internal("cannot create data dir " + options.data_dir + ": " + ec.message());

  std::unique_ptr<SqliteStore> store(new SqliteStore(options));
  if (options.take_lock) {
    auto lock = DataDirLock::Acquire(options.data_dir);
    LABCTL_RETURN_IF_ERROR(lock);
    store->lock_ = std::move(lock).value();
  }
  auto db = ObjectDb::Open(options.data_dir + "/labd.db", Upper(options.synchronous));
  LABCTL_RETURN_IF_ERROR(db);
  store->db_ = std::move(db).value();
  auto loaded = store->db_->Load();
  LABCTL_RETURN_IF_ERROR(loaded);

  for (auto& [kind, object] : loaded->objects)
    store->objects_[Index(kind)][object->name()] = object;
  store->revision_ = loaded->revision;
  spdlog::info("store: opened data_dir={} objects={} revision={} compacted={} history={}",
               options.data_dir, loaded->objects.size(), loaded->revision, loaded->compacted,
               loaded->log.size());
  store->hub_ = std::make_shared<WatchHub>(options.watch_buffer, std::move(loaded->log),
                                           loaded->compacted, loaded->revision);
  store->Maintain(/*forced=*/true);  // today's limits apply to the history loaded from disk
  store->writer_ = std::thread([s = store.get()] { s->WriterLoop(); });
  return std::unique_ptr<Store>(std::move(store));
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard<std::mutex> l(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (!writer_.joinable()) return;  // Open failed half-way
  writer_.join();
  hub_->Close(Status::Unavailable("store is shutting down"));
  spdlog::info("store: closed data_dir={} revision={}", options_.data_dir, revision_);
}

// ---- Writes ----

Result<json> SqliteStore::Submit(std::unique_ptr<Request> request) {
  auto done = request->done.get_future();
  {
    std::unique_lock<std::mutex> l(queue_mu_);
    if (stopping_) return Status::Unavailable("store is shutting down");
    if (writing_ || !queue_.empty()) {
      queue_.push_back(std::move(request));
      l.unlock();
      queue_cv_.notify_one();
      return done.get();
    }
    writing_ = true;
  }
  // Nothing under way: this request is the batch, on this thread.
  std::vector<std::unique_ptr<Request>> batch;
  batch.push_back(std::move(request));
  RunBatch(batch);
  const bool maintain = CompactionDue();
  bool wake;
  {
    std::lock_guard<std::mutex> l(queue_mu_);
    writing_ = false;
    maintenance_wanted_ = maintenance_wanted_ || maintain;
    wake = !queue_.empty() || maintenance_wanted_ || stopping_;
  }
  if (wake) queue_cv_.notify_one();
  return done.get();
}

Result<json> SqliteStore::Create(Kind kind, json object) {
  return SubmitWrite(Op::kCreate, kind, std::move(object));
}

Result<json> SqliteStore::CreateWithStatus(Kind kind, json object) {
  return SubmitWrite(Op::kCreate, kind, std::move(object), /*with_status=*/true);
}

Result<json> SqliteStore::Replace(Kind kind, json object) {
  return SubmitWrite(Op::kUpdate, kind, std::move(object), /*with_status=*/true);
}

Result<json> SqliteStore::Update(Kind kind, json object) {
  return SubmitWrite(Op::kUpdate, kind, std::move(object));
}

Result<json> SqliteStore::UpdateStatus(Kind kind, json object) {
  return SubmitWrite(Op::kUpdateStatus, kind, std::move(object));
}

std::vector<Result<json>> SqliteStore::UpdateStatuses(Kind kind, std::vector<json> objects) {
  std::vector<std::future<Result<json>>> pending;
  {
    std::lock_guard<std::mutex> l(queue_mu_);
    for (auto& object : objects) {
      if (stopping_) break;
      auto r = std::make_unique<Request>();
      r->op = Op::kUpdateStatus;
      r->kind = kind;
      r->name = api::Name(object);
      r->object = std::move(object);
      pending.push_back(r->done.get_future());
      queue_.push_back(std::move(r));
    }
  }
  queue_cv_.notify_one();
  std::vector<Result<json>> out;
  for (auto& f : pending) out.push_back(f.get());
  while (out.size() < objects.size()) out.push_back(Status::Unavailable("store is shutting down"));
  return out;
}

// A write of the object carried in `object` (for updates: of the object it names).
Result<json> SqliteStore::SubmitWrite(Op op, Kind kind, json object, bool with_status) {
  auto r = std::make_unique<Request>();
  r->op = op;
  r->kind = kind;
  if (op != Op::kCreate) r->name = api::Name(object);
  r->object = std::move(object);
  r->with_status = with_status;
  return Submit(std::move(r));
}

Result<json> SqliteStore::Delete(Kind kind, const std::string& name,
                                 const std::optional<std::string>& uid) {
  auto r = std::make_unique<Request>();
  r->op = Op::kDelete;
  r->kind = kind;
  r->name = name;
  r->uid = uid;
  return Submit(std::move(r));
}

void SqliteStore::Compact() {
  auto r = std::make_unique<Request>();
  r->op = Op::kCompact;
  Submit(std::move(r));
}

// ---- Writer thread ----

void SqliteStore::WriterLoop() {
  for (;;) {
    std::vector<std::unique_ptr<Request>> batch;
    {
      std::unique_lock<std::mutex> l(queue_mu_);
      queue_cv_.wait_for(l, kWriterIdleWake, [&] {
        return !writing_ && (stopping_ || !queue_.empty() || maintenance_wanted_);
      });
      if (writing_) continue;  // a caller's inline write; it wakes this thread if needed
      batch.swap(queue_);
      if (batch.empty() && stopping_) return;
      writing_ = true;
      maintenance_wanted_ = false;
    }
    if (!batch.empty()) RunBatch(batch);
    try {
      if (CompactionDue() || (batch.empty() && reclaim_pending_)) Maintain(false);
    } catch (const std::exception& e) {  // nothing may end the writer thread
      spdlog::error("store: maintenance failed error={}", e.what());
    }
    std::lock_guard<std::mutex> l(queue_mu_);
    writing_ = false;
  }
}

void SqliteStore::RunBatch(std::vector<std::unique_ptr<Request>>& batch) {
  std::vector<Result<json>> results;
  try {
    results = ProcessBatch(batch);
  } catch (const std::exception& e) {
    // Only allocation failures are left to get here (each request's own work is guarded in
    // ProcessBatch). If it struck after the commit, the writes are durable though reported
    // failed, as with a response lost on the way.
    spdlog::error("store: write batch failed requests={} error={}", batch.size(), e.what());
    results.assign(batch.size(), Status::Internal(std::string("store: ") + e.what()));
  }
  for (size_t i = 0; i < batch.size(); ++i) batch[i]->done.set_value(std::move(results[i]));
}

PackedPtr SqliteStore::Current(const Overlay& overlay, Kind kind, const std::string& name) const {
  if (auto it = overlay.find({kind, name}); it != overlay.end()) return it->second;
  // Only the holder of writing_ (this thread now) mutates objects_: reading needs no lock.
  const Objects& objects = objects_[Index(kind)];
  auto it = objects.find(name);
  return it == objects.end() ? nullptr : it->second;
}

Result<WriteOutcome> SqliteStore::Apply(const Request& r, const ObjectPtr& current,
                                        const Overlay& overlay, const WriteContext& ctx) {
  switch (r.op) {
    case Op::kCreate:
      return ApplyCreate(
          r.kind, r.object,
          [&](const std::string& name) { return Unpack(Current(overlay, r.kind, name)); }, ctx,
          r.with_status);
    case Op::kUpdate:
      return ApplyUpdate(r.kind, r.object, current, ctx, r.with_status);
    case Op::kUpdateStatus:
      return ApplyUpdateStatus(r.kind, r.object, current, ctx);
    case Op::kDelete:
      return ApplyDelete(r.kind, r.name, r.uid, current, ctx);
    case Op::kCompact:
      break;
  }
  return Status::Internal("store: unexpected request");
}

std::vector<Result<json>> SqliteStore::ProcessBatch(std::vector<std::unique_ptr<Request>>& batch) {
  api::TimePoint now = clock_->Now();
  WriteContext ctx{revision_, api::FormatTime(now), &ids_};
  Overlay overlay;
  std::vector<Change> changes;
  std::vector<PackedChange> packed;
  std::vector<Result<json>> results(batch.size(), Status::Internal("store: not processed"));
  std::vector<bool> wrote(batch.size(), false);
  bool compact = false;

  for (size_t i = 0; i < batch.size(); ++i) {
    const Request& r = *batch[i];
    if (r.op == Op::kCompact) {
      compact = true;
      results[i] = json();
      continue;
    }
    ctx.revision = revision_ + changes.size() + 1;
    auto prepared = PrepareWrite(r, overlay, ctx);
    if (!prepared.ok()) {
      results[i] = prepared.status();
      continue;
    }
    results[i] = std::move(prepared->result);
    if (!prepared->change) continue;
    Change& c = *prepared->change;
    PackedChange& p = *prepared->packed;
    overlay[{r.kind, p.object->name()}] = c.type == ChangeType::kDeleted ? nullptr : p.object;
    changes.push_back(std::move(c));
    packed.push_back(std::move(p));
    wrote[i] = true;
  }

  const auto commit_start = std::chrono::steady_clock::now();
  Status committed = db_->Commit(changes, now);
  StoreMetrics::Get().commit_seconds.ObserveSince(commit_start);
  StoreMetrics::Get().batch_size.Observe(static_cast<double>(batch.size()));
  if (!committed.ok()) {
    StoreMetrics::Get().commit_errors.Inc();
    spdlog::error("store: commit failed changes={} error={}", changes.size(), committed.ToString());
    for (size_t i = 0; i < batch.size(); ++i)
      if (wrote[i]) results[i] = committed;
  } else if (!changes.empty()) {
    ApplyToMemory(overlay, changes);
    hub_->Publish(changes, std::move(packed), now);
    writes_since_compaction_ += changes.size();
  }
  if (compact) Maintain(/*forced=*/true);
  return results;
}

Result<SqliteStore::Prepared> SqliteStore::PrepareWrite(const Request& r, const Overlay& overlay,
                                                        const WriteContext& ctx) {
  // A request that throws (e.g. a string that is not UTF-8 cannot be serialized) fails alone;
  // the rest of the batch goes on.
  try {
    // Parsed once: Apply checks against it and the change carries it as `previous`.
    const PackedPtr current_packed =
        r.op == Op::kCreate ? nullptr : Current(overlay, r.kind, r.name);
    const ObjectPtr current = Unpack(current_packed);
    auto outcome = Apply(r, current, overlay, ctx);
    LABCTL_RETURN_IF_ERROR(outcome);
    Prepared out;
    out.result = *outcome->object;
    if (!outcome->change) return out;
    out.packed = PackedChange{ctx.revision, *outcome->change, r.kind, Pack(*outcome->object),
                              current_packed};
    out.change =
        Change{ctx.revision,    *outcome->change, r.kind,
               outcome->object, current,          PackedObject::TextOf(out.packed->object)};
    return out;
  } catch (const std::exception& e) {
    spdlog::error("store: write failed op={} kind={} name={} error={}",
                  OpName(static_cast<int>(r.op)), api::KindName(r.kind),
                  r.name.empty() ? api::Name(r.object) : r.name, e.what());
    return Status::Internal(std::string("store: write failed: ") + e.what());
  }
}

void SqliteStore::ApplyToMemory(const Overlay& overlay, const std::vector<Change>& changes) {
  std::unique_lock<std::shared_mutex> l(state_mu_);
  for (const auto& [key, object] : overlay) {
    Objects& objects = objects_[Index(key.first)];
    if (object)
      objects[key.second] = object;
    else
      objects.erase(key.second);
  }
  // In revision order, so an object written twice in the batch ends filed by its last state.
  for (const Change& c : changes)
    indexes_.Refile(c.kind, api::Name(*c.object),
                    c.type == ChangeType::kDeleted ? nullptr : c.object.get());
  revision_ = changes.back().revision;
  l.unlock();
  // Objects someone reads as shared lists stay parsed: the writer's result is that parse. The
  // last change of an object in the batch is its state in `overlay`.
  std::lock_guard<std::mutex> parsed(parsed_mu_);
  for (const Change& c : changes) {
    auto& cache = parsed_[Index(c.kind)];
    auto it = cache.find(api::Name(*c.object));
    if (it == cache.end()) continue;
    if (c.type == ChangeType::kDeleted)
      cache.erase(it);
    else
      it->second = {overlay.at({c.kind, it->first}), c.object, it->second.mark};
  }
}

bool SqliteStore::CompactionDue() const {
  return writes_since_compaction_ >= kCompactEveryWrites ||
         std::chrono::steady_clock::now() - last_compaction_ >= kCompactEvery ||
         hub_->HistoryBytes() > options_.max_history_bytes;
}

void SqliteStore::Maintain(bool forced) {
  if (forced || CompactionDue()) CompactHistory(forced);
  ReclaimFreePages(forced);
}

void SqliteStore::CompactHistory(bool forced) {
  writes_since_compaction_ = 0;
  last_compaction_ = std::chrono::steady_clock::now();
  HistoryLimits limits{options_.max_history, options_.max_history_bytes / 8 * 7,
                       clock_->Now() - options_.max_history_age};
  if (forced) limits.max_bytes = options_.max_history_bytes;
  auto cut = hub_->CompactionCut(limits);
  if (!cut) return;
  Status s = db_->Compact(*cut);
  if (!s.ok()) {
    spdlog::error("store: compaction failed through={} error={}", *cut, s.ToString());
    return;
  }
  hub_->DropThrough(*cut);
  reclaim_pending_ = true;
  spdlog::debug("store: compacted through={} history_bytes={}", *cut, hub_->HistoryBytes());
}

void SqliteStore::ReclaimFreePages(bool forced) {
  if (!reclaim_pending_ && !forced) return;
  auto free_pages = db_->FreePages();
  reclaim_pending_ = false;
  if (!free_pages.ok() || *free_pages == 0 || (!forced && *free_pages < kReclaimAbovePages)) return;
  auto reclaimed = db_->ReclaimSpace(forced ? *free_pages : kReclaimPagesPerPass);
  if (!reclaimed.ok()) {
    spdlog::warn("store: reclaiming free pages failed error={}", reclaimed.status().ToString());
    return;
  }
  reclaim_pending_ = *reclaimed < *free_pages;
  spdlog::debug("store: reclaimed pages={} free_before={}", *reclaimed, *free_pages);
}

// ---- Reads ----

Result<json> SqliteStore::Get(Kind kind, const std::string& name) const {
  std::shared_lock<std::shared_mutex> l(state_mu_);
  const Objects& objects = objects_[Index(kind)];
  auto it = objects.find(name);
  if (it == objects.end()) return NotFoundError(kind, name);
  PackedPtr packed = it->second;
  l.unlock();
  return json::parse(packed->text());
}

ListResult SqliteStore::List(Kind kind, const api::Selector& selector, size_t limit) const {
  ListResult out;
  std::vector<PackedPtr> matched;
  {
    std::shared_lock<std::shared_mutex> l(state_mu_);
    out.revision = revision_;
    for (const auto& [name, object] : objects_[Index(kind)]) {
      if (limit && matched.size() >= limit) break;
      if (selector.Empty() || selector.Matches(object->labels())) matched.push_back(object);
    }
  }
  out.items.reserve(matched.size());
  for (const PackedPtr& p : matched) out.items.push_back(json::parse(p->text()));
  return out;
}

SharedList SqliteStore::ListShared(Kind kind) const {
  Snapshot snap = SnapshotOf(kind);
  return Shared(kind, snap.objects, snap.revision, /*complete=*/true);
}

// `complete`: `objects` is the whole kind, so cache entries not among them can go.
SharedList SqliteStore::Shared(Kind kind, const std::vector<PackedPtr>& objects, uint64_t revision,
                               bool complete) const {
  SharedList out;
  out.revision = revision;
  out.items.reserve(objects.size());
  std::lock_guard<std::mutex> l(parsed_mu_);
  auto& cache = parsed_[Index(kind)];
  const uint64_t mark = ++parsed_mark_;
  for (const PackedPtr& p : objects) {
    ParsedEntry& e = cache[p->name()];
    if (e.packed != p) e = {p, p->Unpack(), 0};
    e.mark = mark;
    out.items.push_back(e.parsed);
  }
  if (complete && cache.size() != objects.size())
    std::erase_if(cache, [&](const auto& entry) { return entry.second.mark != mark; });
  return out;
}

void SqliteStore::AddIndex(IndexSpec spec) {
  std::unique_lock<std::shared_mutex> l(state_mu_);
  if (indexes_.Has(spec.kind, spec.name)) return;
  indexes_.Add(spec);
  spdlog::debug("store: index added kind={} index={} objects={}", api::KindName(spec.kind),
                spec.name, objects_[Index(spec.kind)].size());
  for (const auto& [name, packed] : objects_[Index(spec.kind)]) {
    auto parsed = packed->Unpack();
    indexes_.Refile(spec.kind, name, parsed.get());
  }
}

SharedList SqliteStore::ListIndexed(Kind kind, const std::string& index,
                                    const IndexRange& range) const {
  std::vector<PackedPtr> filed;
  uint64_t revision = 0;
  {
    std::shared_lock<std::shared_mutex> l(state_mu_);
    revision = revision_;
    const Objects& objects = objects_[Index(kind)];
    for (const auto& name : indexes_.Names(kind, index, range)) {
      auto it = objects.find(name);
      if (it != objects.end()) filed.push_back(it->second);
    }
  }
  return Shared(kind, filed, revision, /*complete=*/false);
}

size_t SqliteStore::CountIndexed(Kind kind, const std::string& index,
                                 const IndexRange& range) const {
  std::shared_lock<std::shared_mutex> l(state_mu_);
  return indexes_.Count(kind, index, range);
}

std::vector<std::string> SqliteStore::IndexedNames(Kind kind, const std::string& index,
                                                   const IndexRange& range) const {
  std::shared_lock<std::shared_mutex> l(state_mu_);
  return indexes_.Names(kind, index, range);
}

std::optional<std::string> SqliteStore::FirstIndexKey(Kind kind, const std::string& index,
                                                      const std::string& from) const {
  std::shared_lock<std::shared_mutex> l(state_mu_);
  return indexes_.FirstKey(kind, index, from);
}

Snapshot SqliteStore::SnapshotOf(Kind kind) const {
  Snapshot snap;
  std::shared_lock<std::shared_mutex> l(state_mu_);
  snap.revision = revision_;
  for (const auto& [name, object] : objects_[Index(kind)]) snap.objects.push_back(object);
  return snap;
}

Result<std::unique_ptr<Watch>> SqliteStore::WatchKind(Kind kind, const WatchOptions& options) {
  return hub_->Subscribe(kind, options, [&] { return SnapshotOf(kind); });
}

uint64_t SqliteStore::Revision() const {
  std::shared_lock<std::shared_mutex> l(state_mu_);
  return revision_;
}

uint64_t SqliteStore::CompactedRevision() const { return hub_->Compacted(); }

}  // namespace labctl::store
