#include "reconcilers/providers/docker/exec_stdin_registry.h"

namespace labctl::reconcilers {

using api::Status;

void ExecStdinRegistry::Add(const std::string& lab, const std::string& user,
                            std::shared_ptr<docker::ExecSession> session) {
  std::lock_guard<std::mutex> l(mu_);
  std::string id = session->id();
  execs_[id] = Entry{lab, user, std::move(session)};
}

void ExecStdinRegistry::Remove(const std::string& exec_id) {
  std::lock_guard<std::mutex> l(mu_);
  execs_.erase(exec_id);
}

api::Result<std::shared_ptr<docker::ExecSession>> ExecStdinRegistry::Claim(
    const std::string& lab, const std::string& exec_id, const api::Principal& who) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = execs_.find(exec_id);
  if (it == execs_.end() || it->second.lab != lab)
    return Status::NotFound("no running exec " + exec_id + " with stdin in lab " + lab);
  Entry& e = it->second;
  if (!who.MayActFor(e.user))
    return Status::Forbidden("exec " + exec_id + " was started by " + e.user);
  if (e.claimed) return Status::Conflict("the stdin of exec " + exec_id + " is already being sent");
  e.claimed = true;
  return e.session;
}

}  // namespace labctl::reconcilers
