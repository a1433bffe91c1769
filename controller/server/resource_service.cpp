#include "controller/server/resource_service.h"

#include "api/validation.h"

namespace labctl::server {
namespace {

using api::json;
using api::Kind;
using api::Status;

constexpr int kPatchAttempts = 5;

bool IsConflict(const Status& s) {
  return s.code() == api::Code::kConflict && s.reason() == "Conflict";
}

std::optional<std::string> PatchResourceVersion(const json& patch) {
  const json* rv = nullptr;
  if (patch.contains("metadata") && patch["metadata"].is_object() &&
      patch["metadata"].contains("resourceVersion")) {
    rv = &patch["metadata"]["resourceVersion"];
  }
  if (rv && rv->is_string() && !rv->get<std::string>().empty()) return rv->get<std::string>();
  return std::nullopt;
}

std::string OwnerAnnotation(const json& o) {
  const json* meta = o.contains("metadata") ? &o["metadata"] : nullptr;
  if (!meta || !meta->contains("annotations") || !(*meta)["annotations"].is_object()) return "";
  const json& a = (*meta)["annotations"];
  auto it = a.find(kOwnerAnnotation);
  return it != a.end() && it->is_string() ? it->get<std::string>() : "";
}

void SetOwnerAnnotation(json& o, const std::string& owner) {
  json& a = o["metadata"]["annotations"];
  if (!a.is_object()) a = json::object();
  if (owner.empty()) {
    a.erase(kOwnerAnnotation);
  } else {
    a[kOwnerAnnotation] = owner;
  }
}

}  // namespace

std::string SessionOwner(const json& session) {
  if (session.contains("status") && session["status"].is_object()) {
    auto it = session["status"].find("owner");
    if (it != session["status"].end() && it->is_string() && !it->get<std::string>().empty())
      return it->get<std::string>();
  }
  return OwnerAnnotation(session);
}

Status ResourceService::CheckWritable(Kind kind, const Principal& who) const {
  if (kind == Kind::kEvent) {
    return Status(api::Code::kMethodNotAllowed, "MethodNotAllowed",
                  "events are read-only: labd's controllers write them");
  }
  if (!who.CanWrite()) return Status::Forbidden("user " + who.user + " may only read");
  return Status::Ok();
}

Status ResourceService::CheckOwner(Kind kind, const json& current, const Principal& who) const {
  if (kind != Kind::kSession) return Status::Ok();
  std::string owner = SessionOwner(current);
  if (who.MayActFor(owner)) return Status::Ok();
  return Status::Forbidden("session " + api::Name(current) + " belongs to " + owner +
                           "; only its owner or group admin may change it");
}

api::Result<json> ResourceService::Create(Kind kind, json body, const Principal& who) {
  LABCTL_RETURN_IF_ERROR(CheckWritable(kind, who));
  LABCTL_RETURN_IF_ERROR(api::CheckTypeMeta(body, kind, ""));
  const json& meta = body["metadata"];
  if (!meta.contains("name") && !meta.contains("generateName")) {
    return Status::Invalid("metadata.name or metadata.generateName is required",
                           {{"metadata.name", "required"}});
  }
  body.erase("status");
  if (kind == Kind::kSession && (!who.IsAdmin() || OwnerAnnotation(body).empty())) {
    SetOwnerAnnotation(body, who.user);
  }
  api::DefaultObject(kind, body);
  LABCTL_RETURN_IF_ERROR(api::ValidateObject(kind, body));
  auto created = store_.Create(kind, std::move(body));
  if (created.ok() && kind == Kind::kSession) RecordOwner(created.value(), who);
  return created;
}

// The session reconciler may write status between the create and this write (Conflict): retry
// on the latest object, so the create's answer already carries status.owner.
void ResourceService::RecordOwner(json& created, const Principal& who) {
  const std::string owner = OwnerAnnotation(created);
  json current = created;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (current.contains("status") && current["status"].value("owner", "") == owner) break;
    json with_owner = current;
    with_owner["status"]["owner"] = owner;
    auto updated = store_.UpdateStatus(Kind::kSession, std::move(with_owner));
    if (updated.ok()) {
      current = std::move(updated.value());
      break;
    }
    if (updated.status().code() != api::Code::kConflict) break;
    auto latest = store_.Get(Kind::kSession, api::Name(created));
    if (!latest.ok()) break;
    current = std::move(latest.value());
  }
  created = std::move(current);
}

api::Result<json> ResourceService::UpdateSpec(Kind kind, json object, const json& current) {
  if (kind == Kind::kSession) SetOwnerAnnotation(object, OwnerAnnotation(current));
  object.erase("status");
  api::DefaultObject(kind, object);
  LABCTL_RETURN_IF_ERROR(api::ValidateObject(kind, object));
  return store_.Update(kind, std::move(object));
}

api::Result<json> ResourceService::Replace(Kind kind, const std::string& name, json body,
                                           const Principal& who) {
  LABCTL_RETURN_IF_ERROR(CheckWritable(kind, who));
  LABCTL_RETURN_IF_ERROR(api::CheckTypeMeta(body, kind, name));
  auto current = store_.Get(kind, name);
  LABCTL_RETURN_IF_ERROR(current);
  LABCTL_RETURN_IF_ERROR(CheckOwner(kind, *current, who));
  return UpdateSpec(kind, std::move(body), *current);
}

api::Result<json> ResourceService::MergePatch(Kind kind, const std::string& name, const json& patch,
                                              const Principal& who) {
  LABCTL_RETURN_IF_ERROR(CheckWritable(kind, who));
  if (!patch.is_object()) return Status::BadRequest("a merge patch must be an object");
  const std::optional<std::string> precondition = PatchResourceVersion(patch);
  for (int attempt = 1;; ++attempt) {
    auto current = store_.Get(kind, name);
    LABCTL_RETURN_IF_ERROR(current);
    LABCTL_RETURN_IF_ERROR(CheckOwner(kind, *current, who));
    json merged = *current;
    merged.merge_patch(patch);
    LABCTL_RETURN_IF_ERROR(api::CheckTypeMeta(merged, kind, name));
    if (!precondition) merged["metadata"]["resourceVersion"] = api::ResourceVersion(*current);
    auto updated = UpdateSpec(kind, std::move(merged), *current);
    if (updated.ok() || precondition || !IsConflict(updated.status()) ||
        attempt == kPatchAttempts) {
      return updated;
    }
  }
}

api::Result<json> ResourceService::ReplaceStatus(Kind kind, const std::string& name, json body,
                                                 const Principal& who) {
  LABCTL_RETURN_IF_ERROR(CheckWritable(kind, who));
  if (!who.IsAdmin()) {
    return Status::Forbidden("status is written by labd's controllers (group admin only)");
  }
  LABCTL_RETURN_IF_ERROR(api::CheckTypeMeta(body, kind, name));
  return store_.UpdateStatus(kind, std::move(body));
}

api::Result<json> ResourceService::MergePatchStatus(Kind kind, const std::string& name,
                                                    const json& patch, const Principal& who) {
  LABCTL_RETURN_IF_ERROR(CheckWritable(kind, who));
  if (!who.IsAdmin()) {
    return Status::Forbidden("status is written by labd's controllers (group admin only)");
  }
  if (!patch.is_object()) return Status::BadRequest("a merge patch must be an object");
  const std::optional<std::string> precondition = PatchResourceVersion(patch);
  for (int attempt = 1;; ++attempt) {
    auto current = store_.Get(kind, name);
    LABCTL_RETURN_IF_ERROR(current);
    json merged = *current;
    merged.merge_patch(patch);
    LABCTL_RETURN_IF_ERROR(api::CheckTypeMeta(merged, kind, name));
    if (!precondition) merged["metadata"]["resourceVersion"] = api::ResourceVersion(*current);
    auto updated = store_.UpdateStatus(kind, std::move(merged));
    if (updated.ok() || precondition || !IsConflict(updated.status()) ||
        attempt == kPatchAttempts) {
      return updated;
    }
  }
}

api::Result<json> ResourceService::Delete(Kind kind, const std::string& name,
                                          const std::optional<std::string>& uid,
                                          const Principal& who) {
  LABCTL_RETURN_IF_ERROR(CheckWritable(kind, who));
  if (kind == Kind::kSession) LABCTL_RETURN_IF_ERROR(GetOwnedSession(name, who));
  return store_.Delete(kind, name, uid);
}

api::Result<json> ResourceService::GetOwnedSession(const std::string& name, const Principal& who) {
  auto current = store_.Get(Kind::kSession, name);
  LABCTL_RETURN_IF_ERROR(current);
  LABCTL_RETURN_IF_ERROR(CheckOwner(Kind::kSession, *current, who));
  return current;
}

}  // namespace labctl::server
