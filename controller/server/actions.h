// Pluggable actions behind the API's non-CRUD endpoints. The server authenticates the caller,
// checks ownership (the session's owner or group admin) and then calls these; implementations
// live with the sessions (SessionActions, adapted in session_actions_impl.h) and the Lab
// providers (api::LabActions, api/lab_actions.h) and are registered on the ApiServer before
// Start(). All methods may be called from many threads at once.
#pragma once

#include <string>

#include "api/lab_actions.h"
#include "api/object.h"
#include "api/status.h"
#include "controller/server/auth.h"

namespace labctl::server {

// POST .../sessions/{name}/heartbeat and .../release. Without one registered, the server writes
// status.lastHeartbeatTime (heartbeat) or status.phase=Released + finishedAt (release) itself.
class SessionActions {
 public:
  virtual ~SessionActions() = default;
  // Each returns the session after the change (sent as the 200 body) or a Status.
  virtual api::Result<api::json> Heartbeat(const std::string& session, const Principal& who) = 0;
  virtual api::Result<api::json> Release(const std::string& session, const Principal& who) = 0;
};

// The lab actions (exec, logs, capture, inspect, reset): the interface lives in api/ so that the
// reconcilers below the server implement it without including the server.
using LabActions = api::LabActions;

}  // namespace labctl::server
