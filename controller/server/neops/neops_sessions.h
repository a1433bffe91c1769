// NeopsSessions: the Neops facade's view of sessions. A Neops session is an ordinary Session
// (label labctl.dev/facade=neops, generateName "neops-"), and its Neops session_id is the
// Session's metadata.uid (a UUID v4, as the original hands out). Finished Sessions are "not
// found" to Neops clients, as the original forgets them. Every call that names a session counts
// as contact: it refreshes status.lastHeartbeatTime. No httplib here. Thread-safe.
#pragma once

#include <optional>
#include <string>

#include "api/clock.h"
#include "api/object.h"
#include "api/status.h"
#include "reconcilers/session/session_actions.h"
#include "store/store.h"

namespace labctl::server {

struct NeopsSessionOptions {
  int heartbeat_timeout_seconds = 300;  // "stale" after this long without contact
  int queue_timeout_seconds = 600;      // a waiting session without contact is dropped
  int ttl_seconds_after_finished = 3600;
};

// The Neops view of one session.
struct NeopsSessionView {
  std::string id;    // uid
  std::string name;  // Session name
  bool active = false;
  int64_t position = 0;  // 0 when active
  std::string lab;       // spec.lab
};

class NeopsSessions {
 public:
  NeopsSessions(store::Store& store, reconcilers::SessionActions& actions,
                NeopsSessionOptions options);

  // Creates a Session and reconciles the queue, so the answer says whether it is active at once.
  api::Result<NeopsSessionView> Create();
  // Finds a live session by id and refreshes its contact time. NotFound "Session not found".
  api::Result<NeopsSessionView> Contact(const std::string& id);
  // The Active session (any Session, facade or not). NotFound "No active session".
  api::Result<NeopsSessionView> ActiveSession() const;
  // Ends a live session (release; the queue is reconciled at once). NotFound if unknown.
  api::Status End(const std::string& id);
  // Points the Session at a Lab (spec.lab), so the queue holds it while Active. "" clears.
  api::Status SetLab(const std::string& name, const std::string& lab);
  // Waiting sessions, and all live sessions.
  size_t QueueLength() const;
  size_t LiveSessions() const;

  static NeopsSessionView ViewOf(const api::json& session);

 private:
  std::optional<api::json> FindLive(const std::string& id) const;

  store::Store& store_;
  reconcilers::SessionActions& actions_;
  NeopsSessionOptions options_;
};

}  // namespace labctl::server
