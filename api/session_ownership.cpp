#include "api/session_ownership.h"

namespace labctl::api {
namespace {

std::string StringAt(const json& o, const json::json_pointer& pointer) {
  const json* v = o.is_object() && o.contains(pointer) ? &o.at(pointer) : nullptr;
  return v && v->is_string() ? v->get<std::string>() : "";
}

}  // namespace

std::string OwnerAnnotation(const json& session) { return Annotation(session, kOwnerAnnotation); }

std::string SessionOwner(const json& session) {
  std::string owner = StringAt(session, "/status/owner"_json_pointer);
  return owner.empty() ? OwnerAnnotation(session) : owner;
}

void SetOwnerAnnotation(json& session, const std::string& owner) {
  json& annotations = session["metadata"]["annotations"];
  if (!annotations.is_object()) annotations = json::object();
  if (owner.empty())
    annotations.erase(kOwnerAnnotation);
  else
    annotations[kOwnerAnnotation] = owner;
}

std::string LabHolder(const json& lab) { return StringAt(lab, "/status/heldBy"_json_pointer); }

Status CheckMayActOnSession(const Principal& who, const json& session) {
  std::string owner = SessionOwner(session);
  if (who.MayActFor(owner)) return Status::Ok();
  return Status::Forbidden("session " + Name(session) + " belongs to " + owner + ", not " +
                           who.user + ": only its owner or group admin may act on it");
}

Status CheckMayActOnLab(const Principal& who, const json& lab, const json* holder) {
  if (!holder) return Status::Ok();
  std::string owner = SessionOwner(*holder);
  if (who.MayActFor(owner)) return Status::Ok();
  return Status::Forbidden("lab " + Name(lab) + " is held by session " + Name(*holder) + " of " +
                           owner + ": only its owner or group admin may change or use it");
}

}  // namespace labctl::api
