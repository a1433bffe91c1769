#include "controller/server/neops/neops_sessions.h"

#include "api/random.h"
#include "api/session_ownership.h"
#include "api/sha256.h"
#include "api/validation.h"
#include "api/warm_pool.h"
#include "controller/server/neops/neops_upload.h"
#include "reconcilers/session/session_index.h"
#include "reconcilers/session/session_queue.h"

namespace labctl::server {

namespace {

constexpr int kMaxAttempts = 10;

bool IsLive(const api::json& session) {
  return !reconcilers::IsFinishedPhase(reconcilers::PhaseOf(session)) &&
         !api::IsBeingDeleted(session);
}

std::string SpecLab(const api::json& session) {
  const api::json* lab = api::FieldAt(session, "spec", "lab");
  return lab && lab->is_string() ? lab->get<std::string>() : "";
}

api::Status SessionNotFound() { return api::Status::NotFound("Session not found"); }

std::optional<std::string> SessionKeyHash(const api::json& session) {
  std::string hash = api::Annotation(session, kSessionKeyAnnotation);
  if (hash.empty()) return std::nullopt;
  return hash;
}

}  // namespace

NeopsSessions::NeopsSessions(store::Store& store, reconcilers::SessionActions& actions,
                             NeopsSessionOptions options)
    : store_(store), actions_(actions), options_(options) {
  store_.AddIndex({api::Kind::kSession, kSessionKeyIndex, SessionKeyHash});
  reconcilers::AddSessionIndexes(store_);
}

NeopsSessionView NeopsSessions::ViewOf(const api::json& session) const {
  NeopsSessionView v;
  v.key_hash = api::Annotation(session, kSessionKeyAnnotation);
  v.name = api::Name(session);
  v.active = reconcilers::PhaseOf(session) == reconcilers::phase::kActive;
  v.position = reconcilers::QueuePosition(store_, session);  // 0 unless waiting
  v.lab = api::SessionLab(session);  // a spare of the lab's warm pool, if handed one
  return v;
}

api::Result<NeopsSessionView> NeopsSessions::Create(const api::Principal& who) {
  const std::string id = api::RandomUuid();
  api::json session = {{"apiVersion", api::kApiVersion},
                       {"kind", "Session"},
                       {"metadata",
                        {{"generateName", "neops-"},
                         {"labels", {{kFacadeLabel, kFacadeValue}}},
                         {"annotations", {{kSessionKeyAnnotation, api::Sha256Hex(id)}}}}},
                       {"spec",
                        {{"holder", "neops remote-lab client"},
                         {"heartbeatTimeoutSeconds", options_.heartbeat_timeout_seconds},
                         {"queueTimeoutSeconds", options_.queue_timeout_seconds},
                         {"ttlSecondsAfterFinished", options_.ttl_seconds_after_finished}}}};
  api::SetOwnerAnnotation(session, who.user);
  api::DefaultSession(session);
  LABCTL_RETURN_IF_ERROR(api::ValidateSession(session));
  auto created = actions_.Admit(std::move(session));  // already Active or Waiting at N
  if (!created.ok()) return created.status();
  NeopsSessionView view = ViewOf(*created);
  view.id = id;
  return view;
}

bool NeopsSessions::IsIdOf(const std::string& id, const NeopsSessionView& session) {
  return !id.empty() && !session.key_hash.empty() && api::Sha256Hex(id) == session.key_hash;
}

// One index lookup: the cost does not grow with the number of sessions, live or finished.
std::optional<api::json> NeopsSessions::FindLive(const std::string& id,
                                                 const api::Principal& who) const {
  if (id.empty()) return std::nullopt;
  auto found = store_.ListIndexed(api::Kind::kSession, kSessionKeyIndex,
                                  store::IndexRange::Exactly(api::Sha256Hex(id)));
  for (const auto& s : found.items) {
    if (!IsLive(*s)) continue;
    // Another caller's session is as unknown as a wrong id: nothing tells them it exists.
    if (!api::CheckMayActOnSession(who, *s).ok()) return std::nullopt;
    return *s;
  }
  return std::nullopt;
}

void NeopsSessions::Touch(const NeopsSessionView& session) { actions_.Touch(session.name); }

api::Result<NeopsSessionView> NeopsSessions::Contact(const std::string& id,
                                                     const api::Principal& who) {
  auto found = FindLive(id, who);
  if (!found) return SessionNotFound();
  auto touched = actions_.Touch(api::Name(*found));
  if (!touched.ok()) {
    if (touched.status().code() == api::Code::kNotFound ||
        touched.status().code() == api::Code::kConflict)
      return SessionNotFound();
    return touched.status();
  }
  NeopsSessionView view = ViewOf(*touched);
  view.id = id;
  return view;
}

api::Result<NeopsSessionView> NeopsSessions::ActiveSession() const {
  for (const auto& s : reconcilers::ActiveSessions(store_)) return ViewOf(*s);
  return api::Status::NotFound("No active session");
}

api::Status NeopsSessions::End(const std::string& id, const api::Principal& who) {
  auto found = FindLive(id, who);
  if (!found) return SessionNotFound();
  auto released = actions_.Release(api::Name(*found), who);
  return released.status();
}

api::Status NeopsSessions::SetLab(const std::string& name, const std::string& lab) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto current = store_.Get(api::Kind::kSession, name);
    if (!current.ok()) return current.status();
    api::json updated = *current;
    if (SpecLab(updated) == lab) return api::Status::Ok();
    if (lab.empty())
      updated["spec"].erase("lab");
    else
      updated["spec"]["lab"] = lab;
    auto written = store_.Update(api::Kind::kSession, std::move(updated));
    if (written.ok()) {
      actions_.ReconcileNow();
      return api::Status::Ok();
    }
    if (written.status().code() != api::Code::kConflict) return written.status();
  }
  return api::Status::Conflict("session " + name + ": too many concurrent writes");
}

size_t NeopsSessions::LiveSessions() const { return reconcilers::CountLiveSessions(store_); }

}  // namespace labctl::server
