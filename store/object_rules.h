// Object rules: how each kind of write turns the current object into the next one — server-set
// metadata (uid, resourceVersion, generation, timestamps), preconditions (AlreadyExists,
// NotFound, Conflict), status handling, and the finalizer/deletion flow.
//
// Pure functions of (input, current object, context): the writer thread calls them against its
// view of the state including earlier writes of the same batch. They do no I/O and take no locks.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "store/ids.h"
#include "store/store.h"

namespace labctl::store {

using ObjectPtr = std::shared_ptr<const json>;
// Returns the current object of that name (of the kind being written), or null.
using Lookup = std::function<ObjectPtr(const std::string& name)>;

struct WriteContext {
  uint64_t revision = 0;  // the revision this write gets if it changes anything
  std::string now;        // api::FormatTime of the store clock
  IdSource* ids = nullptr;
};

struct WriteOutcome {
  // nullopt: nothing changed, nothing to commit; `object` is the current object.
  std::optional<ChangeType> change;
  // The object after the write (for kDeleted: its last state, stamped with the new revision).
  ObjectPtr object;
};

// keep_status: the input's status is kept (Store::CreateWithStatus), else it starts empty.
Result<WriteOutcome> ApplyCreate(Kind kind, const json& input, const Lookup& lookup,
                                 const WriteContext& ctx, bool keep_status = false);
// with_status: the status is replaced too (Store::Replace).
Result<WriteOutcome> ApplyUpdate(Kind kind, const json& input, const ObjectPtr& current,
                                 const WriteContext& ctx, bool with_status = false);
Result<WriteOutcome> ApplyUpdateStatus(Kind kind, const json& input, const ObjectPtr& current,
                                       const WriteContext& ctx);
Result<WriteOutcome> ApplyDelete(Kind kind, const std::string& name,
                                 const std::optional<std::string>& uid, const ObjectPtr& current,
                                 const WriteContext& ctx);

// `labs "x" not found`, as Kubernetes phrases it.
Status NotFoundError(Kind kind, const std::string& name);

}  // namespace labctl::store
