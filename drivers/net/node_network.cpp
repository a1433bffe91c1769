#include "drivers/net/node_network.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

#include "drivers/net/netns.h"
#include "drivers/net/rtnetlink.h"
#include "fmt/format.h"

namespace labctl::net {
namespace {

api::Result<Rtnl> OpenRtnlForPid(int pid) {
  auto ns = Netns::OpenPid(pid);
  if (!ns.ok()) return ns.status();
  return Rtnl::OpenIn(*ns);
}

const LinkInfo* FindByName(const std::vector<LinkInfo>& links, const std::string& name) {
  for (const auto& l : links)
    if (l.name == name) return &l;
  return nullptr;
}

// Addresses and gateway routes of the links about to be renamed, to put back afterwards.
struct SavedState {
  std::vector<AddressInfo> addresses;
  std::vector<RouteInfo> routes;
};

api::Result<SavedState> SaveState(Rtnl& rtnl, const std::vector<int>& indexes) {
  SavedState saved;
  auto in = [&](int idx) {
    return std::find(indexes.begin(), indexes.end(), idx) != indexes.end();
  };
  auto addrs = rtnl.ListAddresses();
  if (!addrs.ok()) return addrs.status();
  for (const auto& a : *addrs)
    if (in(a.link_index) && !a.link_local) saved.addresses.push_back(a);
  for (auto family : {api::IpFamily::kV4, api::IpFamily::kV6}) {
    auto routes = rtnl.ListRoutes(family);
    if (!routes.ok()) return routes.status();
    for (const auto& r : *routes)
      if (r.gateway && in(r.out_link_index)) saved.routes.push_back(r);
  }
  return saved;
}

api::Status RestoreState(Rtnl& rtnl, const SavedState& saved) {
  for (const auto& a : saved.addresses)
    LABCTL_RETURN_IF_ERROR(rtnl.AddAddress(a.link_index, a.cidr));
  for (const auto& r : saved.routes) LABCTL_RETURN_IF_ERROR(rtnl.ReplaceRoute(r));
  return api::Status::Ok();
}

// Ensures addresses and up state on an existing, correctly tagged link end.
// Docker disables IPv6 on interfaces created in a container later (default.disable_ipv6=1
// there); a link end that carries IPv6 addresses needs it on, or adding them fails (EACCES).
api::Status EnableIpv6(int pid, const std::string& ifname) {
  auto ns = Netns::OpenPid(pid);
  if (!ns.ok()) return ns.status();
  return ns->Run([&]() -> api::Status {
    const std::string path = "/proc/sys/net/ipv6/conf/" + ifname + "/disable_ipv6";
    std::ofstream f(path);
    if (!f) return api::Status::Ok();  // IPv6 not in this kernel: adding addresses will say so
    f << "0";
    f.flush();
    if (!f) return api::Status::Internal("cannot write " + path);
    return api::Status::Ok();
  });
}

// A fixed MAC is set before the end first goes up (a new veth is down), and again only when it
// differs: a veth takes a new address while up, other kinds may not.
api::Status EnsureMac(Rtnl& rtnl, const std::string& ifname, const std::string& mac) {
  if (mac.empty()) return api::Status::Ok();
  auto link = rtnl.FindLinkByName(ifname);
  if (!link.ok()) return link.status();
  if (!link->has_value()) return api::Status::NotFound("no interface " + ifname);
  if (NormalizeMac(mac) == (*link)->mac) return api::Status::Ok();
  return rtnl.SetMac((*link)->index, mac);
}

api::Status ConfigureEnd(Rtnl& rtnl, int index, const LinkEnd& end) {
  for (const auto& cidr : end.addresses)
    if (cidr.address.family == api::IpFamily::kV6) {
      LABCTL_RETURN_IF_ERROR(EnableIpv6(end.pid, end.ifname));
      break;
    }
  for (const auto& cidr : end.addresses) LABCTL_RETURN_IF_ERROR(rtnl.AddAddress(index, cidr));
  if (end.mtu > 0) LABCTL_RETURN_IF_ERROR(rtnl.SetMtu(index, end.mtu));
  LABCTL_RETURN_IF_ERROR(EnsureMac(rtnl, end.ifname, end.mac));
  return rtnl.SetUp(index, true);
}

// The two nodes of a link start in parallel and both wire it: one at a time per link.
std::mutex& LinkMutex(const std::string& tag) {
  static std::mutex registry_mu;
  static std::map<std::string, std::unique_ptr<std::mutex>> mutexes;
  std::lock_guard<std::mutex> l(registry_mu);
  auto& m = mutexes[tag];
  if (!m) m = std::make_unique<std::mutex>();
  return *m;
}

enum class EndState { kMissing, kOurs, kForeign };

api::Result<std::pair<EndState, int>> InspectEnd(Rtnl& rtnl, const std::string& ifname,
                                                 const std::string& tag) {
  auto link = rtnl.FindLinkByName(ifname);
  if (!link.ok()) return link.status();
  if (!link->has_value()) return std::pair{EndState::kMissing, 0};
  const LinkInfo& l = **link;
  EndState state = (l.kind == "veth" && l.alias == tag) ? EndState::kOurs : EndState::kForeign;
  return std::pair{state, l.index};
}

// Deletes one end of a veth. Gone already is fine: the kernel removes the peer of an end whose
// namespace died asynchronously, so the deletion may race it (ENODEV).
api::Status DeleteEnd(Rtnl& rtnl, int index) {
  api::Status st = rtnl.DeleteLink(index);
  return st.code() == api::Code::kNotFound ? api::Status::Ok() : st;
}

}  // namespace

std::string LinkTag(const std::string& lab, int link_index) {
  return fmt::format("labctl:{}:link{}", lab, link_index);
}

api::Status RenameInterfaces(int pid, const std::map<std::string, std::string>& mac_to_ifname) {
  auto rtnl = OpenRtnlForPid(pid);
  if (!rtnl.ok()) return rtnl.status();
  auto links = rtnl->ListLinks();
  if (!links.ok()) return links.status();
  std::vector<std::pair<int, std::string>> renames;  // index -> desired name
  for (const auto& [mac_text, ifname] : mac_to_ifname) {
    auto mac = NormalizeMac(mac_text);
    if (!mac) return api::Status::BadRequest("malformed MAC address: " + mac_text);
    auto it = std::find_if(links->begin(), links->end(),
                           [&](const LinkInfo& l) { return l.mac == *mac; });
    if (it == links->end())
      return api::Status::NotFound(fmt::format("no interface with MAC {} in pid {}", *mac, pid));
    if (it->name != ifname) renames.emplace_back(it->index, ifname);
  }
  if (renames.empty()) return api::Status::Ok();
  std::vector<int> indexes;
  for (const auto& [idx, _] : renames) indexes.push_back(idx);
  // A link holding a wanted name moves aside first; it is either renamed itself later or (not
  // ours to name) keeps the temporary name.
  for (const auto& [idx, want] : renames)
    if (const LinkInfo* holder = FindByName(*links, want); holder && holder->index != idx)
      indexes.push_back(holder->index);
  auto saved = SaveState(*rtnl, indexes);
  if (!saved.ok()) return saved.status();
  for (const auto& [idx, want] : renames) {
    if (const LinkInfo* holder = FindByName(*links, want); holder && holder->index != idx)
      LABCTL_RETURN_IF_ERROR(rtnl->Rename(holder->index, fmt::format("lctmp{}", holder->index)));
  }
  for (const auto& [idx, want] : renames) {
    LABCTL_RETURN_IF_ERROR(rtnl->Rename(idx, want));
    spdlog::debug("renamed interface pid={} index={} name={}", pid, idx, want);
  }
  return RestoreState(*rtnl, *saved);
}

api::Status SetRoutes(int pid, const std::vector<api::IpAddress>& default_gateways,
                      const std::vector<StaticRoute>& routes) {
  auto rtnl = OpenRtnlForPid(pid);
  if (!rtnl.ok()) return rtnl.status();
  for (const auto& gw : default_gateways) {
    RouteInfo r;
    r.destination.address.family = gw.family;
    r.destination.prefix = 0;
    r.gateway = gw;
    LABCTL_RETURN_IF_ERROR(rtnl->ReplaceRoute(r));
  }
  for (const auto& s : routes) {
    RouteInfo r;
    r.destination = s.to;
    r.gateway = s.via;
    LABCTL_RETURN_IF_ERROR(rtnl->ReplaceRoute(r));
  }
  return api::Status::Ok();
}

api::Result<WireOutcome> WireLink(const std::string& lab, int link_index, const LinkEnd& a,
                                  const LinkEnd& b) {
  const std::string tag = LinkTag(lab, link_index);
  std::lock_guard<std::mutex> serialized(LinkMutex(tag));
  auto rtnl_a = OpenRtnlForPid(a.pid);
  if (!rtnl_a.ok()) return rtnl_a.status();
  auto rtnl_b = OpenRtnlForPid(b.pid);
  if (!rtnl_b.ok()) return rtnl_b.status();
  auto end_a = InspectEnd(*rtnl_a, a.ifname, tag);
  if (!end_a.ok()) return end_a.status();
  auto end_b = InspectEnd(*rtnl_b, b.ifname, tag);
  if (!end_b.ok()) return end_b.status();
  for (const auto& [end, state] : {std::pair{&a, end_a->first}, std::pair{&b, end_b->first}})
    if (state == EndState::kForeign)
      return api::Status::Conflict(
          fmt::format("{}: interface {} exists and is not labctl's {}", tag, end->ifname, tag));
  WireOutcome outcome;
  if (end_a->first != EndState::kOurs || end_b->first != EndState::kOurs) {
    // Half a link (the other container was recreated) cannot be re-paired: replace it.
    if (end_a->first == EndState::kOurs) LABCTL_RETURN_IF_ERROR(DeleteEnd(*rtnl_a, end_a->second));
    if (end_b->first == EndState::kOurs) LABCTL_RETURN_IF_ERROR(DeleteEnd(*rtnl_b, end_b->second));
    LABCTL_RETURN_IF_ERROR(rtnl_a->CreateVeth(a.ifname, 0, b.ifname, b.pid));
    outcome.created = true;
    end_a = InspectEnd(*rtnl_a, a.ifname, "");
    end_b = InspectEnd(*rtnl_b, b.ifname, "");
    if (!end_a.ok()) return end_a.status();
    if (!end_b.ok()) return end_b.status();
    if (end_a->first == EndState::kMissing || end_b->first == EndState::kMissing)
      return api::Status::Internal(tag + ": veth created but an end is missing");
    // Tag both ends before anything else can fail: an untagged end would be "foreign" forever.
    LABCTL_RETURN_IF_ERROR(rtnl_a->SetAlias(end_a->second, tag));
    LABCTL_RETURN_IF_ERROR(rtnl_b->SetAlias(end_b->second, tag));
  }
  LABCTL_RETURN_IF_ERROR(ConfigureEnd(*rtnl_a, end_a->second, a));
  LABCTL_RETURN_IF_ERROR(ConfigureEnd(*rtnl_b, end_b->second, b));
  spdlog::info("link wired lab={} link={} a={}:{} b={}:{} created={}", lab, link_index, a.pid,
               a.ifname, b.pid, b.ifname, outcome.created);
  return outcome;
}

api::Status RemoveLink(const std::string& lab, int link_index, const LinkEnd& a, const LinkEnd& b) {
  for (const LinkEnd* end : {&a, &b}) LABCTL_RETURN_IF_ERROR(RemoveLinkEnd(lab, link_index, *end));
  return api::Status::Ok();
}

api::Status RemoveLinkEnd(const std::string& lab, int link_index, const LinkEnd& end) {
  const std::string tag = LinkTag(lab, link_index);
  auto rtnl = OpenRtnlForPid(end.pid);
  if (!rtnl.ok())  // container gone
    return rtnl.status().code() == api::Code::kNotFound ? api::Status::Ok() : rtnl.status();
  auto state = InspectEnd(*rtnl, end.ifname, tag);
  if (!state.ok()) return state.status();
  if (state->first != EndState::kOurs) return api::Status::Ok();
  return DeleteEnd(*rtnl, state->second);
}

api::Result<std::vector<api::Cidr>> InterfaceAddresses(int pid, const std::string& ifname) {
  auto rtnl = OpenRtnlForPid(pid);
  if (!rtnl.ok()) return rtnl.status();
  auto link = rtnl->FindLinkByName(ifname);
  if (!link.ok()) return link.status();
  if (!link->has_value()) return api::Status::NotFound("no interface " + ifname);
  auto addrs = rtnl->ListAddresses((*link)->index);
  if (!addrs.ok()) return addrs.status();
  std::vector<api::Cidr> out;
  for (const auto& a : *addrs)
    if (!a.link_local) out.push_back(a.cidr);
  return out;
}

api::Status AddInterfaceAddresses(int pid, const std::string& ifname,
                                  const std::vector<api::Cidr>& addresses) {
  auto rtnl = OpenRtnlForPid(pid);
  if (!rtnl.ok()) return rtnl.status();
  auto link = rtnl->FindLinkByName(ifname);
  if (!link.ok()) return link.status();
  if (!link->has_value()) return api::Status::NotFound("no interface " + ifname);
  for (const auto& cidr : addresses)
    if (cidr.family() == api::IpFamily::kV6) {
      LABCTL_RETURN_IF_ERROR(EnableIpv6(pid, ifname));
      break;
    }
  for (const auto& cidr : addresses) LABCTL_RETURN_IF_ERROR(rtnl->AddAddress((*link)->index, cidr));
  return api::Status::Ok();
}

api::Status EnsureDummyInterface(int pid, const std::string& ifname, int mtu,
                                 const std::string& tag, const std::string& mac) {
  auto rtnl = OpenRtnlForPid(pid);
  if (!rtnl.ok()) return rtnl.status();
  // A kernel without the dummy driver gets an ifb device.
  auto ensured = rtnl->EnsureLink(ifname, {"dummy", "ifb"}, tag);
  if (!ensured.ok()) return ensured.status();
  const LinkInfo& link = ensured->link;
  if (ensured->created) {
    spdlog::debug("pid={} if={} kind={} made for a dummy link", pid, ifname, link.kind);
    if (mtu > 0) LABCTL_RETURN_IF_ERROR(rtnl->SetMtu(link.index, mtu));
    LABCTL_RETURN_IF_ERROR(EnsureMac(*rtnl, ifname, mac));
    return rtnl->SetUp(link.index, true);
  }
  const std::string& kind = link.kind;
  if (kind != "dummy" && kind != "ifb")
    return api::Status::Conflict("interface " + ifname + " exists and is a " +
                                 (kind.empty() ? "device" : kind) + ", not a dummy");
  return EnsureMac(*rtnl, ifname, mac);
}

api::Result<std::vector<TaggedLink>> ListTaggedLinks(int pid) {
  auto rtnl = OpenRtnlForPid(pid);
  if (!rtnl.ok()) return rtnl.status();
  auto links = rtnl->ListLinks();
  if (!links.ok()) return links.status();
  std::vector<TaggedLink> out;
  for (const auto& l : *links)
    if (l.alias.rfind("labctl:", 0) == 0) out.push_back({l.name, l.alias});
  return out;
}

}  // namespace labctl::net
