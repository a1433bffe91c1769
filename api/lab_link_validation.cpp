// Validation of spec.links: point-to-point veth links between two nodes.
#include <algorithm>
#include <map>
#include <set>

#include "api/lab_validation.h"

namespace labctl::api {

namespace {

// ipv4/ipv6 of a link: exactly two interface addresses with prefix, in one subnet.
void ValidateLinkAddresses(const json& v, const std::string& path, bool v6, FieldErrors& errs) {
  if (!ExpectArray(v, path, errs)) return;
  if (v.size() != 2) {
    errs.Add(path,
             "must hold exactly two addresses (one per endpoint), got " + std::to_string(v.size()));
    return;
  }
  std::vector<Cidr> cidrs;
  for (size_t i = 0; i < 2; ++i) {
    std::string field = At(path, i);
    if (!ExpectString(v[i], field, errs)) continue;
    auto cidr = v6 ? ParseCidrV6(v[i].get<std::string>()) : ParseCidrV4(v[i].get<std::string>());
    if (!cidr) {
      errs.Add(field, Show(v[i]) + (v6 ? " is not an IPv6 address with prefix (like fd00:1::1/64)"
                                       : " is not an IPv4 address with prefix (like 10.1.1.1/30)"));
      continue;
    }
    if (IsReservedInSubnet(*cidr, cidr->address)) {
      errs.Add(field,
               Show(v[i]) + " is the network or broadcast address of " + cidr->NetworkString());
      continue;
    }
    cidrs.push_back(*cidr);
  }
  if (cidrs.size() != 2) return;
  if (cidrs[0].prefix != cidrs[1].prefix || cidrs[0].Network() != cidrs[1].Network())
    errs.Add(At(path, 1),
             cidrs[1].ToString() + " is not in the same subnet as " + cidrs[0].ToString());
  else if (cidrs[0].address == cidrs[1].address)
    errs.Add(At(path, 1), "both endpoints have address " + cidrs[1].address.ToString());
}

}  // namespace

void ValidateLinks(const json& spec, const LabIndex& index, FieldErrors& errs) {
  const json* links = Find(spec, "links");
  if (!links || !ExpectArray(*links, "spec.links", errs)) return;
  const json* nodes = Find(spec, "nodes");
  std::map<std::string, std::set<std::string>> used_by_links;  // node -> link ifnames
  for (size_t i = 0; i < links->size(); ++i) {
    const json& link = (*links)[i];
    std::string path = At("spec.links", i);
    if (!ExpectObject(link, path, errs)) continue;
    RejectUnknownFields(link, path, {"endpoints", "ipv4", "ipv6", "impairment"}, errs);
    if (const json* p = Find(link, "ipv4"))
      ValidateLinkAddresses(*p, Child(path, "ipv4"), false, errs);
    if (const json* p = Find(link, "ipv6"))
      ValidateLinkAddresses(*p, Child(path, "ipv6"), true, errs);
    if (const json* p = Find(link, "impairment"))
      ValidateImpairment(*p, Child(path, "impairment"), errs);

    std::string eps_path = Child(path, "endpoints");
    const json* eps = Find(link, "endpoints");
    if (!eps) {
      errs.Add(eps_path, "required");
      continue;
    }
    if (!ExpectStringArray(*eps, eps_path, errs)) continue;
    if (eps->size() != 2) {
      errs.Add(eps_path, "must hold exactly two \"node:ifname\" endpoints, got " +
                             std::to_string(eps->size()));
      continue;
    }
    std::vector<std::string> endpoint_nodes;
    for (size_t e = 0; e < 2; ++e) {
      std::string field = At(eps_path, e);
      const std::string& text = (*eps)[e].get_ref<const std::string&>();
      size_t colon = text.find(':');
      if (colon == std::string::npos) {
        errs.Add(field, Show((*eps)[e]) + " must be \"node:ifname\"");
        continue;
      }
      std::string node = text.substr(0, colon), ifname = text.substr(colon + 1);
      endpoint_nodes.push_back(node);
      auto it = index.nodes.find(node);
      if (it == index.nodes.end()) {
        errs.Add(field, "node " + node + " does not exist in spec.nodes");
        continue;
      }
      if (!IsInterfaceName(ifname)) {
        errs.Add(field, "\"" + ifname +
                            "\" is not a valid interface name (1-15 characters, no '/', ':' or "
                            "whitespace)");
        continue;
      }
      auto iface_names = InterfaceNames((*nodes)[it->second]);
      if (std::find(iface_names.begin(), iface_names.end(), ifname) != iface_names.end())
        errs.Add(field, "interface " + ifname + " is already used by an interface of node " + node);
      else if (!used_by_links[node].insert(ifname).second)
        errs.Add(field,
                 "interface " + ifname + " of node " + node + " is already used by another link");
    }
    if (endpoint_nodes.size() == 2 && endpoint_nodes[0] == endpoint_nodes[1])
      errs.Add(eps_path, "a link must connect two different nodes");
  }
}

}  // namespace labctl::api
