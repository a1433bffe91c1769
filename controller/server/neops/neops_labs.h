// NeopsLabs: the Neops facade's single lab, as an ordinary Lab object.
//
// An upload becomes a Lab named "neops-<first 12 hex of its SHA-256>" (label
// labctl.dev/facade=neops, runPolicy OnDemand). The uploading Session's spec.lab points at it, so
// the session queue holds it (status.heldBy) while that Session is Active and the Lab reconciler
// brings it up; POST /lab answers once its Ready condition is True. The Neops reference count is
// kept in the Lab's annotations (labctl.dev/neops-refs, and labctl.dev/neops-ref-session naming
// the Session the count belongs to; a count left by a Session that ended reads as 0), so it
// survives restarts. Reuse rules are those of docs/neops-compat.md (the original's), except that
// attaching to a lab that is already up reports reused: true. A failed bring-up (500) keeps no
// reference, and a Failed lab no one references is brought up afresh, never attached to. A new
// lab's topology and extra files are written to <files_dir>/<lab>/ (neops_files.h) before its Lab
// object exists. No httplib here. Thread-safe (one mutex).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "api/host_access_policy.h"
#include "api/object.h"
#include "api/status.h"
#include "controller/server/neops/neops_sessions.h"
#include "controller/server/neops/neops_upload.h"
#include "store/store.h"

namespace labctl::server {

inline constexpr char kRefsAnnotation[] = "labctl.dev/neops-refs";
inline constexpr char kRefSessionAnnotation[] = "labctl.dev/neops-ref-session";
// Store index of the facade's Labs not being deleted (key "lab").
inline constexpr char kFacadeLabIndex[] = "neops-lab";

struct NeopsLabOptions {
  int idle_timeout_seconds = 0;  // keep-warm after the session ends (0: down at once, as Neops)
  std::chrono::milliseconds ready_timeout{std::chrono::minutes(20)};
  std::chrono::milliseconds delete_timeout{std::chrono::minutes(5)};
  // Where each uploaded lab's files go (<files_dir>/<lab>/, see neops_files.h); labd uses
  // <data-dir>/labs. Empty: files are kept only in the Lab's annotation.
  std::string files_dir;
};

struct NeopsLabUp {
  bool reused = false;
  api::json devices = api::json::array();
};

class NeopsLabs {
 public:
  NeopsLabs(store::Store& store, NeopsSessions& sessions, NeopsLabOptions options);

  // POST /lab by the Active session. Forbidden (403) when the topology asks more of the host than
  // `grant` allows (api/host_access_policy.h); Locked (423) "Lab currently busy" when reuse rules
  // forbid; Internal (500) when the bring-up fails or times out.
  api::Result<NeopsLabUp> Up(const NeopsSessionView& session, const NeopsUpload& upload,
                             const api::HostAccessGrant& grant);
  // GET /lab.
  api::json Describe(const NeopsSessionView& session) const;
  // GET /lab/devices: NotFound "No lab running" unless the lab is Ready.
  api::Result<api::json> Devices() const;
  // POST /lab/release: reference count - 1 (never below 0). NotFound "No lab running".
  api::Status Release(const NeopsSessionView& session);
  // DELETE /lab: true if a teardown started (202), false if no lab runs (204); Conflict (409)
  // "Lab still in use" when !force and the count is above 0.
  api::Result<bool> Delete(bool force);

  static api::json DevicesOf(const api::json& lab);

 private:
  std::optional<api::json> CurrentLab() const;
  api::Status StoreRefs(const std::string& lab, int refs, const std::string& session);
  api::Status RemoveLab(const api::json& lab);
  api::Status WaitReady(const NeopsSessionView& session, const std::string& lab);
  // The reference an upload took on `lab`, given back when its bring-up failed: a failed POST
  // /lab holds nothing, so the session may bring up another topology (not 423 for good).
  void DropReference(const NeopsSessionView& session, const std::string& lab);
  // The session's count on the current lab (on it only if it is `only`, when given) - 1, never
  // below 0. NotFound "No lab running" without such a lab.
  api::Status Unref(const NeopsSessionView& session, const std::string& only);
  api::Status WaitGone(const std::string& lab);

  store::Store& store_;
  NeopsSessions& sessions_;
  NeopsLabOptions options_;
  mutable std::mutex mu_;
};

// The reference count of `lab` as seen by `session` (0 if it belongs to another session).
int EffectiveRefs(const api::json& lab, const std::string& session);

}  // namespace labctl::server
