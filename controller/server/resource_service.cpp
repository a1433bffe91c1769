#include "controller/server/resource_service.h"

#include "api/host_placement.h"
#include "api/join.h"
#include "api/session_ownership.h"
#include "api/validation.h"
#include "reconcilers/providers/containerlab/clab_validation.h"

namespace labctl::server {
namespace {

using api::json;
using api::Kind;
using api::Status;

constexpr int kPatchAttempts = 5;

bool IsConflict(const Status& s) {
  return s.code() == api::Code::kConflict && s.reason() == "Conflict";
}

// The non-empty metadata.resourceVersion of a body or patch, if any.
std::optional<std::string> PatchResourceVersion(const json& patch) {
  const json* rv = nullptr;
  if (patch.contains("metadata") && patch["metadata"].is_object() &&
      patch["metadata"].contains("resourceVersion")) {
    rv = &patch["metadata"]["resourceVersion"];
  }
  if (rv && rv->is_string() && !rv->get<std::string>().empty()) return rv->get<std::string>();
  return std::nullopt;
}

}  // namespace

Status ResourceService::CheckWritable(Kind kind, const Principal& who) const {
  if (kind == Kind::kEvent) {
    return Status(api::Code::kMethodNotAllowed, "MethodNotAllowed",
                  "events are read-only: labd's controllers write them");
  }
  if (!who.CanWrite()) return Status::Forbidden("user " + who.user + " may only read");
  // A Host names a socket or remote engine and certificate files labd then uses.
  if (kind == Kind::kHost && !who.IsAdmin())
    return Status::Forbidden("user " + who.user + " may not change hosts: admin only");
  return Status::Ok();
}

Status ResourceService::CheckOwner(Kind kind, const json& current, const Principal& who) const {
  if (kind == Kind::kSession) return api::CheckMayActOnSession(who, current);
  if (kind == Kind::kLab) return CheckLabHolder(current, who);
  return Status::Ok();
}

Status ResourceService::CheckLabHolder(const json& lab, const Principal& who) const {
  std::string holder = api::LabHolder(lab);
  if (holder.empty()) return Status::Ok();
  auto session = store_.Get(Kind::kSession, holder);
  return api::CheckMayActOnLab(who, lab, session.ok() ? &*session : nullptr);
}

// A write that leaves the spec as stored asks nothing new of the host (labels, finalizers).
Status ResourceService::CheckHostAccess(Kind kind, const json& object, const json* current,
                                        const Principal& who) const {
  if (kind != Kind::kLab) return Status::Ok();
  if (current && current->value("spec", json()) == object.value("spec", json()))
    return Status::Ok();
  std::vector<api::HostRequest> requests = api::HostRequestsOf(object);
  for (auto& r : clab::ContainerlabHostRequests(object)) requests.push_back(std::move(r));
  return api::CheckHostRequests(requests, who.host_access);
}

// The object's shape, and for a Lab what its provider's own input says (a containerlab topology).
Status ResourceService::Validate(Kind kind, const json& object) const {
  LABCTL_RETURN_IF_ERROR(api::ValidateObject(kind, object));
  if (kind == Kind::kLab) return clab::ValidateContainerlabLab(object);
  return Status::Ok();
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
  if (kind == Kind::kSession && (!who.IsAdmin() || api::OwnerAnnotation(body).empty())) {
    api::SetOwnerAnnotation(body, who.user);
  }
  api::DefaultObject(kind, body);
  LABCTL_RETURN_IF_ERROR(Validate(kind, body));
  LABCTL_RETURN_IF_ERROR(CheckHostAccess(kind, body, nullptr, who));
  auto created = store_.Create(kind, std::move(body));
  if (created.ok() && kind == Kind::kSession) RecordOwner(created.value(), who);
  return created;
}

// The session reconciler may write status between the create and this write (Conflict): retry
// on the latest object, so the create's answer already carries status.owner.
void ResourceService::RecordOwner(json& created, const Principal& who) {
  const std::string owner = api::OwnerAnnotation(created);
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

api::Result<json> ResourceService::UpdateSpec(Kind kind, json object, const json& current,
                                              const Principal& who) {
  if (kind == Kind::kSession) api::SetOwnerAnnotation(object, api::OwnerAnnotation(current));
  object.erase("status");
  api::DefaultObject(kind, object);
  LABCTL_RETURN_IF_ERROR(Validate(kind, object));
  LABCTL_RETURN_IF_ERROR(CheckHostAccess(kind, object, &current, who));
  return store_.Update(kind, std::move(object));
}

// The ownership check and the write see the same object: a write without a resourceVersion is
// pinned to the one checked, and a Conflict (the object changed, e.g. a session took the lab)
// checks again on the fresh object.
api::Result<json> ResourceService::UpdateChecked(
    Kind kind, const std::string& name, const Principal& who,
    const std::optional<std::string>& precondition,
    const std::function<api::Result<json>(const json& current)>& build) {
  for (int attempt = 1;; ++attempt) {
    auto current = store_.Get(kind, name);
    LABCTL_RETURN_IF_ERROR(current);
    LABCTL_RETURN_IF_ERROR(CheckOwner(kind, *current, who));
    auto object = build(*current);
    LABCTL_RETURN_IF_ERROR(object);
    if (!precondition) (*object)["metadata"]["resourceVersion"] = api::ResourceVersion(*current);
    auto updated = UpdateSpec(kind, std::move(*object), *current, who);
    if (updated.ok() || precondition || !IsConflict(updated.status()) ||
        attempt == kPatchAttempts) {
      return updated;
    }
  }
}

api::Result<json> ResourceService::Replace(Kind kind, const std::string& name, json body,
                                           const Principal& who) {
  LABCTL_RETURN_IF_ERROR(CheckWritable(kind, who));
  LABCTL_RETURN_IF_ERROR(api::CheckTypeMeta(body, kind, name));
  return UpdateChecked(kind, name, who, PatchResourceVersion(body),
                       [&](const json&) -> api::Result<json> { return body; });
}

api::Result<json> ResourceService::MergePatch(Kind kind, const std::string& name, const json& patch,
                                              const Principal& who) {
  LABCTL_RETURN_IF_ERROR(CheckWritable(kind, who));
  if (!patch.is_object()) return Status::BadRequest("a merge patch must be an object");
  return UpdateChecked(kind, name, who, PatchResourceVersion(patch),
                       [&](const json& current) -> api::Result<json> {
                         json merged = current;
                         merged.merge_patch(patch);
                         LABCTL_RETURN_IF_ERROR(api::CheckTypeMeta(merged, kind, name));
                         return merged;
                       });
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

// A Host is deleted only once no Lab is placed on it: its labs would lose their engine
// (docs/hosts.md, "Draining").
Status ResourceService::CheckHostEmpty(const json& host) const {
  auto loads = api::HostLoads({host}, store_.List(Kind::kLab).items);
  const std::vector<std::string>& labs = loads.front().lab_names;
  if (labs.empty()) return Status::Ok();
  return Status::Conflict("host " + api::Name(host) +
                          " still has labs placed on it: " + api::Join(labs, ", ") +
                          "; drain it first (spec.unschedulable: true) and delete or stop them");
}

api::Result<json> ResourceService::Delete(Kind kind, const std::string& name,
                                          const std::optional<std::string>& uid,
                                          const Principal& who) {
  LABCTL_RETURN_IF_ERROR(CheckWritable(kind, who));
  if (kind != Kind::kEvent) {
    auto current = store_.Get(kind, name);
    LABCTL_RETURN_IF_ERROR(current);
    LABCTL_RETURN_IF_ERROR(CheckOwner(kind, *current, who));
    if (kind == Kind::kHost) LABCTL_RETURN_IF_ERROR(CheckHostEmpty(*current));
  }
  return store_.Delete(kind, name, uid);
}

api::Result<json> ResourceService::GetOwnedSession(const std::string& name, const Principal& who) {
  auto current = store_.Get(Kind::kSession, name);
  LABCTL_RETURN_IF_ERROR(current);
  LABCTL_RETURN_IF_ERROR(CheckOwner(Kind::kSession, *current, who));
  return current;
}

}  // namespace labctl::server
