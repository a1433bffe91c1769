#include "store/object_rules.h"

namespace labctl::store {
namespace {

constexpr int kGenerateNameAttempts = 16;

std::string Quoted(Kind kind, const std::string& name) {
  return std::string(api::Plural(kind)) + " \"" + name + "\"";
}

bool HasStatus(Kind kind) { return kind != Kind::kEvent; }

// Empty labels/annotations/finalizers are dropped so "absent" and "empty" compare equal and an
// update that only spells them differently writes nothing.
void CopyUserMetadata(const json& input_meta, json& meta) {
  for (const char* key : {"labels", "annotations", "finalizers"}) {
    auto it = input_meta.find(key);
    if (it != input_meta.end() && !it->is_null() && !it->empty())
      meta[key] = *it;
    else
      meta.erase(key);
  }
}

const json& MetadataOf(const json& o) {
  static const json kEmpty = json::object();
  auto it = o.find("metadata");
  return it != o.end() && it->is_object() ? *it : kEmpty;
}

// Everything the user owns outside metadata and status: spec, or an Event's top-level fields.
json Content(const json& o) {
  json c = json::object();
  for (auto it = o.begin(); it != o.end(); ++it) {
    const std::string& k = it.key();
    if (k != "apiVersion" && k != "kind" && k != "metadata" && k != "status") c[k] = it.value();
  }
  return c;
}

void ReplaceContent(const json& input, json& next) {
  json old = Content(next);
  for (auto it = old.begin(); it != old.end(); ++it) next.erase(it.key());
  json content = Content(input);
  for (auto it = content.begin(); it != content.end(); ++it) next[it.key()] = it.value();
}

bool FinalizersEmpty(const json& o) {
  const json& meta = MetadataOf(o);
  auto it = meta.find("finalizers");
  return it == meta.end() || !it->is_array() || it->empty();
}

Status CheckPreconditions(Kind kind, const json& input, const json& current) {
  std::string rv = api::ResourceVersion(input);
  std::string name = api::Name(current);
  if (!rv.empty() && rv != api::ResourceVersion(current))
    return Status::Conflict("Operation cannot be fulfilled on " + Quoted(kind, name) +
                            ": the object has been modified; please apply your changes to the "
                            "latest version and try again");
  std::string uid = api::Uid(input);
  if (!uid.empty() && uid != api::Uid(current))
    return Status::Conflict("Precondition failed for " + Quoted(kind, name) + ": uid " + uid +
                            " does not match " + api::Uid(current));
  return Status::Ok();
}

ObjectPtr Stamp(json next, uint64_t revision) {
  next["metadata"]["resourceVersion"] = std::to_string(revision);
  return std::make_shared<const json>(std::move(next));
}

Result<std::string> PickName(Kind kind, const json& meta, const Lookup& lookup,
                             const WriteContext& ctx) {
  auto name_it = meta.find("name");
  if (name_it != meta.end() && name_it->is_string() && !name_it->get<std::string>().empty()) {
    std::string name = name_it->get<std::string>();
    if (lookup(name)) return Status::AlreadyExists(Quoted(kind, name) + " already exists");
    return name;
  }
  auto gen_it = meta.find("generateName");
  if (gen_it == meta.end() || !gen_it->is_string() || gen_it->get<std::string>().empty())
    return Status::Invalid("name or generateName is required",
                           {{"metadata.name", "name or generateName is required"}});
  std::string prefix = gen_it->get<std::string>();
  for (int i = 0; i < kGenerateNameAttempts; ++i) {
    std::string name = prefix + ctx.ids->NameSuffix();
    if (!lookup(name)) return name;
  }
  return Status::AlreadyExists("could not generate a unique name for " + prefix);
}

}  // namespace

Status NotFoundError(Kind kind, const std::string& name) {
  return Status::NotFound(Quoted(kind, name) + " not found");
}

Result<WriteOutcome> ApplyCreate(Kind kind, const json& input, const Lookup& lookup,
                                 const WriteContext& ctx, bool keep_status) {
  if (!input.is_object()) return Status::BadRequest("object must be a JSON object");
  const json& in_meta = MetadataOf(input);
  auto name = PickName(kind, in_meta, lookup, ctx);
  LABCTL_RETURN_IF_ERROR(name);

  json next = Content(input);
  next["apiVersion"] = api::kApiVersion;
  next["kind"] = api::KindName(kind);
  json meta = json::object();
  meta["name"] = *name;
  if (auto it = in_meta.find("generateName"); it != in_meta.end() && it->is_string())
    meta["generateName"] = *it;
  CopyUserMetadata(in_meta, meta);
  meta["uid"] = ctx.ids->NewUid();
  meta["generation"] = 1;
  meta["creationTimestamp"] = ctx.now;
  next["metadata"] = std::move(meta);
  if (HasStatus(kind)) {
    auto status = input.find("status");
    bool given = keep_status && status != input.end() && status->is_object();
    next["status"] = given ? *status : json::object();
  }
  return WriteOutcome{ChangeType::kAdded, Stamp(std::move(next), ctx.revision)};
}

Result<WriteOutcome> ApplyUpdate(Kind kind, const json& input, const ObjectPtr& current,
                                 const WriteContext& ctx, bool with_status) {
  if (!current) return NotFoundError(kind, api::Name(input));
  LABCTL_RETURN_IF_ERROR(CheckPreconditions(kind, input, *current));

  json next = *current;
  CopyUserMetadata(MetadataOf(input), next["metadata"]);
  ReplaceContent(input, next);
  if (with_status && HasStatus(kind)) {
    auto it = input.find("status");
    next["status"] = it != input.end() && !it->is_null() ? *it : json::object();
  }
  if (next == *current) return WriteOutcome{std::nullopt, current};

  if (Content(next) != Content(*current))
    next["metadata"]["generation"] = api::Generation(*current) + 1;
  if (api::IsBeingDeleted(next) && FinalizersEmpty(next))
    return WriteOutcome{ChangeType::kDeleted, Stamp(std::move(next), ctx.revision)};
  return WriteOutcome{ChangeType::kModified, Stamp(std::move(next), ctx.revision)};
}

Result<WriteOutcome> ApplyUpdateStatus(Kind kind, const json& input, const ObjectPtr& current,
                                       const WriteContext& ctx) {
  if (!current) return NotFoundError(kind, api::Name(input));
  LABCTL_RETURN_IF_ERROR(CheckPreconditions(kind, input, *current));

  json next = *current;
  auto it = input.find("status");
  next["status"] = it != input.end() && !it->is_null() ? *it : json::object();
  if (next == *current) return WriteOutcome{std::nullopt, current};
  return WriteOutcome{ChangeType::kModified, Stamp(std::move(next), ctx.revision)};
}

Result<WriteOutcome> ApplyDelete(Kind kind, const std::string& name,
                                 const std::optional<std::string>& uid, const ObjectPtr& current,
                                 const WriteContext& ctx) {
  if (!current) return NotFoundError(kind, name);
  if (uid && !uid->empty() && *uid != api::Uid(*current))
    return Status::Conflict("Precondition failed for " + Quoted(kind, name) + ": uid " + *uid +
                            " does not match " + api::Uid(*current));
  if (FinalizersEmpty(*current))
    return WriteOutcome{ChangeType::kDeleted, Stamp(*current, ctx.revision)};
  if (api::IsBeingDeleted(*current)) return WriteOutcome{std::nullopt, current};
  json next = *current;
  next["metadata"]["deletionTimestamp"] = ctx.now;
  return WriteOutcome{ChangeType::kModified, Stamp(std::move(next), ctx.revision)};
}

}  // namespace labctl::store
