// Internal to validation: checks of a Lab's spec, split by section. Each adds every violation it
// finds to FieldErrors with its full path (spec.nodes[1].interfaces[0].ipv4).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/field_errors.h"
#include "api/ip.h"

namespace labctl::api {

struct NetworkInfo {
  std::optional<Cidr> subnet;
  std::optional<Cidr> ipv6_subnet;
};

// What later sections need to know about earlier ones.
struct LabIndex {
  std::string provider;
  std::map<std::string, NetworkInfo> networks;  // valid, uniquely named networks
  std::map<std::string, size_t> nodes;          // node name -> index in spec.nodes
};

void ValidateLabSpec(const json& spec, FieldErrors& errs);
void ValidateNetworks(const json& spec, LabIndex& index, FieldErrors& errs);
void ValidateNodes(const json& spec, LabIndex& index, FieldErrors& errs);
void ValidateLinks(const json& spec, const LabIndex& index, FieldErrors& errs);
// {delayMs, jitterMs, lossPercent, rateKbit}, on links and node interfaces.
void ValidateImpairment(const json& v, const std::string& path, FieldErrors& errs);

// Linux interface name: 1-15 bytes, no '/', ':' or whitespace, not "." or "..".
bool IsInterfaceName(std::string_view s);
// The interface names a node's interfaces get: ifname if given, else eth<index>.
std::vector<std::string> InterfaceNames(const json& node);

}  // namespace labctl::api
