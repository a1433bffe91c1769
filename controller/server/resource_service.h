// ResourceService: the API's object writes on top of the Store, without HTTP.
//
// Checks the body's apiVersion/kind/name against the request, fills defaults and validates
// (api::DefaultObject / api::ValidateObject) before every spec write, keeps main-resource
// writes from touching status and status writes from touching anything else, retries merge
// patches on Conflict (unless the patch names a resourceVersion), and enforces who may write:
// Events are read-only (405), group "readonly" may not write (403), status writes need group
// "admin" (403); only a session's owner or an admin may change or delete a session, or a Lab
// that session holds (api/session_ownership.h, 403); a Lab's spec may ask of the host only what
// the caller's grant allows (api/host_access_policy.h, 403 naming the field); a Host with Labs
// placed on it is not deleted (409 naming them). A created session
// records its owner (the caller) in annotation labctl.dev/owner and status.owner.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api/object.h"
#include "api/status.h"
#include "controller/server/auth.h"
#include "store/store.h"

namespace labctl::server {

class ResourceService {
 public:
  explicit ResourceService(store::Store& store) : store_(store) {}

  api::Result<api::json> Create(api::Kind kind, api::json body, const Principal& who);
  api::Result<api::json> Replace(api::Kind kind, const std::string& name, api::json body,
                                 const Principal& who);
  api::Result<api::json> MergePatch(api::Kind kind, const std::string& name, const api::json& patch,
                                    const Principal& who);
  api::Result<api::json> ReplaceStatus(api::Kind kind, const std::string& name, api::json body,
                                       const Principal& who);
  api::Result<api::json> MergePatchStatus(api::Kind kind, const std::string& name,
                                          const api::json& patch, const Principal& who);
  api::Result<api::json> Delete(api::Kind kind, const std::string& name,
                                const std::optional<std::string>& uid, const Principal& who);
  // The session, if `who` may act on it (its owner or an admin); Forbidden otherwise.
  api::Result<api::json> GetOwnedSession(const std::string& name, const Principal& who);
  // OK when `lab` is free, or held by a session `who` may act on; Forbidden otherwise.
  api::Status CheckLabHolder(const api::json& lab, const Principal& who) const;

 private:
  api::Status CheckWritable(api::Kind kind, const Principal& who) const;
  api::Status Validate(api::Kind kind, const api::json& object) const;
  api::Status CheckHostEmpty(const api::json& host) const;
  api::Status CheckOwner(api::Kind kind, const api::json& current, const Principal& who) const;
  api::Status CheckHostAccess(api::Kind kind, const api::json& object, const api::json* current,
                              const Principal& who) const;
  api::Result<api::json> UpdateSpec(api::Kind kind, api::json object, const api::json& current,
                                    const Principal& who);
  api::Result<api::json> UpdateChecked(
      api::Kind kind, const std::string& name, const Principal& who,
      const std::optional<std::string>& precondition,
      const std::function<api::Result<api::json>(const api::json& current)>& build);
  void RecordOwner(api::json& created, const Principal& who);

  store::Store& store_;
};

}  // namespace labctl::server
