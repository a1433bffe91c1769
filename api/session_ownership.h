// SessionOwnership: the one rule for who owns a Session and who may act on it and on the Lab it
// holds.
//
// A Session's owner is the authenticated user that created it: the API server (and the Neops
// facade) records it in annotation labctl.dev/owner, overwriting what a non-admin client sent,
// and the session queue copies it into status.owner, which wins once set. Only the owner or a
// member of group "admin" may heartbeat, release, change or delete a Session; a Lab held by a
// Session (status.heldBy) may be changed, deleted, exec'd into or reset only by that Session's
// owner or an admin. A Session without an owner (from before owners were recorded) is
// everybody's. Pure: no I/O.
#pragma once

#include <string>

#include "api/object.h"
#include "api/principal.h"
#include "api/status.h"

namespace labctl::api {

inline constexpr char kOwnerAnnotation[] = "labctl.dev/owner";

// status.owner, else the annotation; "" when neither is set.
std::string SessionOwner(const json& session);
// The annotation alone (what a write carries over from the stored object).
std::string OwnerAnnotation(const json& session);
// Sets the annotation; an empty owner removes it.
void SetOwnerAnnotation(json& session, const std::string& owner);
// The Session holding a Lab (status.heldBy), "" when free.
std::string LabHolder(const json& lab);

// OK, or Forbidden naming the session, its owner and the caller.
Status CheckMayActOnSession(const Principal& who, const json& session);
// `holder` is the Session named by LabHolder(lab), or nullptr when the Lab is free or that
// Session is gone. OK, or Forbidden naming the holding session and its owner.
Status CheckMayActOnLab(const Principal& who, const json& lab, const json* holder);

}  // namespace labctl::api
