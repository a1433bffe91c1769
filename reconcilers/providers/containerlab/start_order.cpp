#include "reconcilers/providers/containerlab/start_order.h"

#include <algorithm>
#include <map>
#include <set>

#include "api/field_errors.h"

namespace labctl::clab {
namespace {

using api::Child;

void AddOnce(std::vector<std::string>& list, const std::string& name) {
  if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
}

std::string StagePath(const std::string& node, size_t stage) {
  return Child(Child(Child("topology.nodes", node), "stages"), kStageOrder[stage]);
}

// node -> the nodes it cannot do without: what it waits for, and for a node another waits to be
// Ready, its veth peers (a node is Ready only once its links are wired).
std::map<std::string, std::set<std::string>> WaitGraph(const Topology& topo) {
  std::map<std::string, std::set<std::string>> needs;
  std::set<std::string> awaited_ready;
  for (const auto& [name, node] : topo.nodes) {
    NodeWaits w = WaitsOf(topo, node);
    needs[name].insert(w.running.begin(), w.running.end());
    needs[name].insert(w.ready.begin(), w.ready.end());
    awaited_ready.insert(w.ready.begin(), w.ready.end());
  }
  for (const auto& link : topo.links) {
    if (link.type != LinkType::kVeth || link.endpoints.size() != 2) continue;
    const std::string& a = link.endpoints[0].node;
    const std::string& b = link.endpoints[1].node;
    if (awaited_ready.count(a)) needs[a].insert(b);
    if (awaited_ready.count(b)) needs[b].insert(a);
  }
  return needs;
}

// The first cycle found from `from`, as "a -> b -> a"; empty: none.
std::string CycleFrom(const std::map<std::string, std::set<std::string>>& needs,
                      const std::string& from, std::vector<std::string>& path,
                      std::set<std::string>& done) {
  if (auto it = std::find(path.begin(), path.end(), from); it != path.end()) {
    std::string text;
    for (; it != path.end(); ++it) text += *it + " -> ";
    return text + from;
  }
  if (done.count(from)) return "";
  path.push_back(from);
  auto it = needs.find(from);
  if (it != needs.end())
    for (const auto& next : it->second)
      if (auto cycle = CycleFrom(needs, next, path, done); !cycle.empty()) return cycle;
  path.pop_back();
  done.insert(from);
  return "";
}

}  // namespace

std::string NetworkModeNode(const Topology& topo, const Node& node) {
  const std::string prefix = "container:";
  if (node.network_mode.rfind(prefix, 0) != 0) return "";
  const std::string target = node.network_mode.substr(prefix.size());
  return topo.nodes.count(target) ? target : "";
}

NodeWaits WaitsOf(const Topology& topo, const Node& node) {
  NodeWaits w;
  for (const auto& stage : node.stages.by_order)
    for (const auto& wf : stage.wait_for) {
      if (!topo.nodes.count(wf.node)) continue;
      if (wf.stage == "create")
        AddOnce(w.running, wf.node);
      else if (wf.stage != "exit")
        AddOnce(w.ready, wf.node);
    }
  if (auto shared = NetworkModeNode(topo, node); !shared.empty()) AddOnce(w.running, shared);
  return w;
}

void CheckStartOrder(const Topology& topo, std::vector<api::Cause>& out) {
  for (const auto& [name, node] : topo.nodes)
    for (size_t s = 0; s < kStageOrder.size(); ++s) {
      const Stage& stage = node.stages.by_order[s];
      if (!stage.exec.empty())
        out.push_back({Child(StagePath(name, s), "exec"),
                       "stage exec commands are not supported by provider containerlab (use the "
                       "node's exec)"});
      for (const auto& wf : stage.wait_for)
        if (wf.stage == "exit")
          out.push_back({Child(StagePath(name, s), "wait-for"),
                         "waiting for " + wf.node +
                             " to reach stage exit is not supported by provider containerlab "
                             "(labd keeps every node running)"});
    }
  const auto needs = WaitGraph(topo);
  std::set<std::string> done;
  for (const auto& [name, node] : topo.nodes) {
    std::vector<std::string> path;
    std::string cycle = CycleFrom(needs, name, path, done);
    if (cycle.empty()) continue;
    out.push_back({Child(Child("topology.nodes", name), "stages"),
                   "the nodes wait for each other and never start: " + cycle +
                       " (a node is Ready only once its veth peers run)"});
    return;
  }
}

}  // namespace labctl::clab
