// ExecStdinRegistry: the streamed execs with stdin attached whose stdin a client may still send
// (POST .../labs/{name}/exec/{id}/stdin), by exec id.
//
// The exec stream registers its session while the command runs, with the lab and the user who
// started it, and removes it when the command ends. One stdin request may claim it: the same
// user (or group admin), naming the same lab. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "api/principal.h"
#include "drivers/docker/engine.h"

namespace labctl::reconcilers {

class ExecStdinRegistry {
 public:
  void Add(const std::string& lab, const std::string& user,
           std::shared_ptr<docker::ExecSession> session);
  void Remove(const std::string& exec_id);
  // The session to feed. NotFound unless `exec_id` runs in `lab` (or it has ended), Forbidden
  // for a user other than its starter, Conflict when another request has claimed it.
  api::Result<std::shared_ptr<docker::ExecSession>> Claim(const std::string& lab,
                                                          const std::string& exec_id,
                                                          const api::Principal& who);

 private:
  struct Entry {
    std::string lab;
    std::string user;
    std::shared_ptr<docker::ExecSession> session;
    bool claimed = false;
  };
  std::mutex mu_;
  std::map<std::string, Entry> execs_;
};

}  // namespace labctl::reconcilers
