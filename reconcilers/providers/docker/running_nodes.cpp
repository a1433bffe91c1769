#include "reconcilers/providers/docker/running_nodes.h"

namespace labctl::reconcilers {

void RunningNodes::Starting(const std::string& node) {
  std::lock_guard<std::mutex> l(mu_);
  nodes_[node] = {State::kStarting, "", 0};
}

void RunningNodes::Running(const std::string& node, const std::string& container_id, int pid) {
  std::lock_guard<std::mutex> l(mu_);
  nodes_[node] = {State::kRunning, container_id, pid};
}

void RunningNodes::Forget(const std::string& node) {
  std::lock_guard<std::mutex> l(mu_);
  nodes_.erase(node);
}

RunningNodes::Node RunningNodes::Find(const std::string& node) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = nodes_.find(node);
  return it == nodes_.end() ? Node{} : it->second;
}

}  // namespace labctl::reconcilers
