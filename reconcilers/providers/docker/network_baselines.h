// NetworkBaselines: the firewall/NAT snapshot labd took of each node container right after it
// applied the node's declared network state, kept so `labctl lab reset` (and a warm lab handed
// to the next user) can put the node back exactly there.
//
// Keyed by container id (a recreated container gets a new id and a new snapshot). With a
// directory, each snapshot is also written to DIR/<container-id>.rules so a labd restart keeps
// them; without one they live in memory only. labd prunes the snapshots of containers that are
// gone every 10 minutes. Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "api/status.h"

namespace labctl::reconcilers {

class NetworkBaselines {
 public:
  explicit NetworkBaselines(std::string directory = "") : directory_(std::move(directory)) {}
  NetworkBaselines(const NetworkBaselines&) = delete;
  NetworkBaselines& operator=(const NetworkBaselines&) = delete;

  api::Status Put(const std::string& container_id, const std::string& snapshot);
  std::optional<std::string> Get(const std::string& container_id);
  // Forgets every container not in `live` (files included) whose snapshot was taken before
  // `listed_at`, the time `live` was read (a container started since is not in it).
  void Prune(const std::set<std::string>& live, std::filesystem::file_time_type listed_at);

 private:
  std::string PathOf(const std::string& container_id) const;
  std::string directory_;
  std::mutex mu_;
  std::map<std::string, std::string> snapshots_;
  std::map<std::string, std::filesystem::file_time_type> taken_at_;  // of this process's Puts
};

}  // namespace labctl::reconcilers
