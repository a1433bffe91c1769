// NeopsSessions: the Neops facade's view of sessions. A Neops session is an ordinary Session
// (label labctl.dev/facade=neops, generateName "neops-") owned by the caller that created it.
// Its Neops session_id is a credential: a random UUID v4 drawn from the kernel's CSPRNG, handed
// out once by Create and never stored or listed — the Session keeps only its SHA-256
// (annotation labctl.dev/neops-session-key-sha256). A session is found by its id, never by its
// name or uid (both are listed to every reader), and only for a caller that may act on it
// (api/session_ownership.h). Finished Sessions are "not found" to Neops clients, as the
// original forgets them. Every call that names a session counts as contact: it refreshes
// status.lastHeartbeatTime. Lookups are store index reads (the key hash index here, the queue
// index of session_index.h), so their cost does not grow with the number of sessions. No httplib
// here. Thread-safe.
#pragma once

#include <optional>
#include <string>

#include "api/clock.h"
#include "api/object.h"
#include "api/principal.h"
#include "api/status.h"
#include "reconcilers/session/session_actions.h"
#include "store/store.h"

namespace labctl::server {

struct NeopsSessionOptions {
  int heartbeat_timeout_seconds = 300;  // "stale" after this long without contact
  int queue_timeout_seconds = 600;      // a waiting session without contact is dropped
  int ttl_seconds_after_finished = 3600;
};

inline constexpr char kSessionKeyAnnotation[] = "labctl.dev/neops-session-key-sha256";
// Store index of Sessions by that annotation, so a session id is found by one lookup.
inline constexpr char kSessionKeyIndex[] = "neops-session-key";

// The Neops view of one session.
struct NeopsSessionView {
  std::string id;        // the session_id, when the caller presented it (or Create made it)
  std::string key_hash;  // SHA-256 of the session_id; "" for a Session not made by the facade
  std::string name;      // Session name
  bool active = false;
  int64_t position = 0;  // 0 when active
  std::string lab;       // spec.lab
};

class NeopsSessions {
 public:
  NeopsSessions(store::Store& store, reconcilers::SessionActions& actions,
                NeopsSessionOptions options);

  // Creates a Session owned by `who` and reconciles the queue, so the answer says whether it is
  // active at once. The view's id is the new session_id.
  api::Result<NeopsSessionView> Create(const api::Principal& who);
  // Finds a live session by id (one `who` may act on) and refreshes its contact time. NotFound
  // "Session not found".
  api::Result<NeopsSessionView> Contact(const std::string& id, const api::Principal& who);
  // Refreshes the contact time of a session found before (a bring-up in progress).
  void Touch(const NeopsSessionView& session);
  // The Active session (any Session, facade or not); its id is "". NotFound "No active session".
  api::Result<NeopsSessionView> ActiveSession() const;
  // True when `id` is the session_id of `session`.
  static bool IsIdOf(const std::string& id, const NeopsSessionView& session);
  // Ends a live session (release; the queue is reconciled at once). NotFound if unknown.
  api::Status End(const std::string& id, const api::Principal& who);
  // Points the Session at a Lab (spec.lab), so the queue holds it while Active. "" clears.
  api::Status SetLab(const std::string& name, const std::string& lab);
  // Live sessions (Waiting and Active): Neops' "sessions" and "queue_length" alike, as its queue
  // holds the active session at its head.
  size_t LiveSessions() const;

  // The view, with its queue position read from the queue's order index.
  NeopsSessionView ViewOf(const api::json& session) const;

 private:
  std::optional<api::json> FindLive(const std::string& id, const api::Principal& who) const;

  store::Store& store_;
  reconcilers::SessionActions& actions_;
  NeopsSessionOptions options_;
};

}  // namespace labctl::server
