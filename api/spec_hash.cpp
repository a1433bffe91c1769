#include "api/spec_hash.h"

#include "api/fnv1a.h"
#include "api/lab_spec.h"

namespace labctl::api {

namespace {

const json* FindNamed(const json& spec, const char* list, const std::string& name) {
  if (!spec.is_object() || !spec.contains(list) || !spec[list].is_array()) return nullptr;
  for (const auto& item : spec[list])
    if (item.is_object() && item.value("name", "") == name) return &item;
  return nullptr;
}

}  // namespace

std::string SpecHash(const json& spec) {
  // nlohmann::json keeps object keys sorted, so dump() is canonical.
  return Fnv1a64Hex(json(spec).dump());
}

std::string NodeSpecHash(const json& lab_spec, const std::string& node) {
  const json* entry = FindNamed(lab_spec, "nodes", node);
  if (!entry) return "";
  json node_entry = *entry;
  json networks = json::array();
  if (node_entry.contains("interfaces") && node_entry["interfaces"].is_array()) {
    for (auto& iface : node_entry["interfaces"]) {
      // Impairment is applied live from the host (tc/NFQUEUE): changing it must not recreate.
      if (iface.is_object()) iface.erase("impairment");
      if (!iface.is_object() || !iface.contains("network") || !iface["network"].is_string())
        continue;
      const json* net = FindNamed(lab_spec, "networks", iface["network"].get<std::string>());
      networks.push_back(net ? *net : json(nullptr));
    }
  }
  json covered = {{"node", node_entry},
                  {"networks", networks},
                  {"provider", lab_spec.is_object() ? lab_spec.value("provider", kDefaultProvider)
                                                    : std::string(kDefaultProvider)}};
  return Fnv1a64Hex(covered.dump());
}

}  // namespace labctl::api
