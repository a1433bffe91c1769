#include "api/host_placement.h"

#include <map>

#include "api/lab_spec.h"

namespace labctl::api {
namespace {

bool Selects(const json& lab, const json& host_labels) {
  const json spec = lab.value("spec", json::object());
  const json selector = spec.is_object() ? spec.value("hostSelector", json::object()) : json();
  if (!selector.is_object()) return true;
  for (auto it = selector.begin(); it != selector.end(); ++it) {
    auto label = host_labels.find(it.key());
    if (label == host_labels.end() || *label != *it) return false;
  }
  return true;
}

// What a Lab takes on its Host: nodes, and the subnets of its Docker networks (spec.networks,
// IPv4 and IPv6). Its spec is read once for both.
struct Demand {
  int nodes = 0;
  std::vector<Cidr> subnets;
};

int NodeDemand(const LabSpec& spec, const json& lab) {
  int nodes = 0;
  for (const auto& node : spec.nodes)
    if (!spec.Skips(node)) ++nodes;
  if (nodes > 0) return nodes;
  const json status = lab.value("status", json::object());
  const json listed = status.is_object() ? status.value("nodes", json::array()) : json::array();
  return listed.is_array() ? static_cast<int>(listed.size()) : 0;
}

Demand DemandOf(const json& lab) {
  const LabSpec spec = ReadLabObjectSpec(lab);
  Demand d{NodeDemand(spec, lab), {}};
  for (const auto& network : spec.networks)
    for (const std::string* text : {&network.subnet, &network.ipv6_subnet})
      if (auto cidr = ParseCidr(*text)) d.subnets.push_back(*cidr);
  return d;
}

// The Lab placed on `host` whose network overlaps one of `subnets`, and the subnet ("" if none).
std::string SubnetInUse(const std::vector<Cidr>& subnets, const HostLoad& host) {
  for (const Cidr& mine : subnets)
    for (const auto& [theirs, lab] : host.subnets)
      if (mine.Overlaps(theirs))
        return "subnet " + mine.ToString() + " is in use there by lab " + lab;
  return "";
}

void AddLab(HostLoad& load, const json& lab, const Demand& demand) {
  ++load.labs;
  load.nodes += demand.nodes;
  load.lab_names.push_back(Name(lab));
  for (const Cidr& subnet : demand.subnets) load.subnets.emplace_back(subnet, Name(lab));
}

// Why `lab` cannot go on `host`, or "" when it can.
std::string Unfit(const json& lab, const Demand& demand, const HostLoad& host) {
  const int nodes = demand.nodes;
  if (!Selects(lab, host.labels)) return "labels do not match spec.hostSelector";
  if (!host.ready) return "not Ready";
  if (host.spec.unschedulable) return "unschedulable";
  if (host.spec.capacity_labs > 0 && host.labs + 1 > host.spec.capacity_labs)
    return "full (" + std::to_string(host.labs) + "/" + std::to_string(host.spec.capacity_labs) +
           " labs)";
  if (host.spec.capacity_nodes > 0 && host.nodes + nodes > host.spec.capacity_nodes)
    return "not enough nodes free (" + std::to_string(host.nodes) + "+" + std::to_string(nodes) +
           " > " + std::to_string(host.spec.capacity_nodes) + ")";
  return SubnetInUse(demand.subnets, host);
}

}  // namespace

std::string LabHost(const json& lab) {
  const json* status = lab.is_object() && lab.contains("status") ? &lab["status"] : nullptr;
  if (!status || !status->is_object()) return "";
  auto it = status->find("host");
  return it != status->end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<HostLoad> HostLoads(const std::vector<json>& hosts, const std::vector<json>& labs) {
  std::vector<HostLoad> loads;
  std::map<std::string, size_t> index;
  for (const auto& host : hosts) {
    HostLoad load;
    load.name = Name(host);
    load.labels = Labels(host);
    load.spec = ReadHostSpec(host);
    load.ready = HostReady(host) && !IsBeingDeleted(host);
    index[load.name] = loads.size();
    loads.push_back(std::move(load));
  }
  for (const auto& lab : labs) {
    auto it = index.find(LabHost(lab));
    if (it == index.end()) continue;
    AddLab(loads[it->second], lab, DemandOf(lab));
  }
  return loads;
}

Placement PlaceLab(const json& lab, std::vector<HostLoad>& loads) {
  const Demand demand = DemandOf(lab);
  HostLoad* best = nullptr;
  std::string why_not;
  for (auto& host : loads) {
    std::string unfit = Unfit(lab, demand, host);
    if (!unfit.empty()) {
      why_not += (why_not.empty() ? "" : "; ") + host.name + ": " + unfit;
      continue;
    }
    if (!best || host.labs < best->labs || (host.labs == best->labs && host.nodes < best->nodes))
      best = &host;  // loads are in name order: ties keep the first name
  }
  if (!best) return {"", loads.empty() ? "no Host exists" : why_not};
  AddLab(*best, lab, demand);
  return {best->name, ""};
}

}  // namespace labctl::api
