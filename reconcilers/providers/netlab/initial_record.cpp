#include "reconcilers/providers/netlab/initial_record.h"

namespace labctl::reconcilers {

using api::json;

json InitialRecord::ToJson() const {
  return {{"uid", uid}, {"generation", generation}, {"nodes", nodes}};
}

std::optional<InitialRecord> InitialRecord::FromJson(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("nodes") || !j["nodes"].is_object()) return std::nullopt;
  InitialRecord r;
  r.uid = j.value("uid", "");
  r.generation = j.value("generation", int64_t{0});
  for (const auto& [node, start] : j["nodes"].items())
    if (start.is_string()) r.nodes[node] = start.get<std::string>();
  return r;
}

std::optional<std::set<std::string>> NodesToConfigure(
    const std::optional<InitialRecord>& done, const InitialRecord& current,
    const std::vector<std::pair<std::string, std::string>>& links) {
  if (!done || done->uid != current.uid || done->generation != current.generation)
    return std::nullopt;
  std::set<std::string> restarted;
  for (const auto& [node, start] : current.nodes) {
    auto it = done->nodes.find(node);
    if (it == done->nodes.end()) return std::nullopt;  // another set of nodes
    if (it->second != start) restarted.insert(node);
  }
  if (done->nodes.size() != current.nodes.size()) return std::nullopt;
  std::set<std::string> out = restarted;
  for (const auto& [a, b] : links) {
    if (restarted.count(a)) out.insert(b);
    if (restarted.count(b)) out.insert(a);
  }
  return out;
}

}  // namespace labctl::reconcilers
