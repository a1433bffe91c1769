#include "reconcilers/providers/netlab/netlab_nodes.h"

#include <algorithm>
#include <filesystem>

#include "api/spec_hash.h"
#include "api/text_file.h"
#include "drivers/netlab/node_facts.h"

namespace labctl::reconcilers {
namespace {

using api::json;

const std::vector<std::string> kRouterCapabilities = {"NET_ADMIN", "SYS_ADMIN", "NET_RAW"};

std::string FactsPath(const std::string& dir) { return dir + "/" + kNetlabNodesFile; }

void GiveRouterNeeds(NodeModel& node) {
  for (const auto& cap : kRouterCapabilities)
    if (std::find(node.cap_add.begin(), node.cap_add.end(), cap) == node.cap_add.end())
      node.cap_add.push_back(cap);
  node.unconfined_system_paths = true;
  node.hash = api::SpecHash(
      json{{"hash", node.hash}, {"capAdd", node.cap_add}, {"unconfinedSystemPaths", true}});
}

}  // namespace

const char kNetlabNodesFile[] = ".labctl-netlab-nodes.json";

api::Status KeepNodeFacts(const netlab::NetlabCli& cli, const std::string& dir) {
  auto facts = netlab::ReadNodeFacts(cli, dir);
  if (!facts.ok())
    return api::Status(api::Code::kUnavailable, "NetlabInspectFailed",
                       "netlab inspect: " + facts.status().message());
  json kept = json::object();
  for (const auto& [name, node] : *facts) kept[name] = netlab::NodeFactsToJson(node);
  return api::WriteFileAtomically(FactsPath(dir), kept.dump());
}

bool HasNodeFacts(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::exists(FactsPath(dir), ec);
}

void ApplyNodeFacts(const std::string& dir, LabModel& model) {
  auto text = api::ReadTextFile(FactsPath(dir));
  if (!text.ok()) return;
  const json kept = json::parse(*text, nullptr, false);
  if (!kept.is_object()) return;
  for (auto& node : model.nodes) {
    auto facts = kept.find(node.name);
    if (facts == kept.end() || !facts->is_object()) continue;
    node.netlab = *facts;
    const std::string device = facts->value("device", "");
    if (!device.empty() && device != "linux") GiveRouterNeeds(node);
  }
}

}  // namespace labctl::reconcilers
