#include "drivers/docker/watched_containers.h"

namespace labctl::docker {

void WatchedContainers::Set(const std::string& lab, const std::vector<std::string>& names) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = names_by_lab_.find(lab);
  if (it != names_by_lab_.end() && it->second == names) return;
  if (it != names_by_lab_.end())
    for (const auto& name : it->second) {
      auto labs = labs_by_name_.find(name);
      if (labs == labs_by_name_.end()) continue;
      labs->second.erase(lab);
      if (labs->second.empty()) labs_by_name_.erase(labs);
    }
  if (names.empty()) {
    names_by_lab_.erase(lab);
    return;
  }
  names_by_lab_[lab] = names;
  for (const auto& name : names) labs_by_name_[name].insert(lab);
}

void WatchedContainers::Forget(const std::string& lab) { Set(lab, {}); }

std::vector<std::string> WatchedContainers::LabsOf(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = labs_by_name_.find(name);
  if (it == labs_by_name_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

}  // namespace labctl::docker
