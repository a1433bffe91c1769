// WatchedContainers: containers that belong to no lab yet matter to one — a containerlab
// `ext-container`, which labd never creates or labels — by name, with the labs that use them.
// The containerlab provider says which names each lab uses on every pass and forgets the lab at
// teardown; the Docker event watcher asks it for the labs of a container event it cannot place
// by labels, so an ext-container that restarts has its links wired again within moments, not at
// the next periodic resync. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace labctl::docker {

class WatchedContainers {
 public:
  // The container names `lab` uses now (replaces what it used before; empty: none).
  void Set(const std::string& lab, const std::vector<std::string>& names);
  void Forget(const std::string& lab);
  // The labs that use the container named `name`, in name order.
  std::vector<std::string> LabsOf(const std::string& name) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::set<std::string>> labs_by_name_;
  std::map<std::string, std::vector<std::string>> names_by_lab_;
};

}  // namespace labctl::docker
