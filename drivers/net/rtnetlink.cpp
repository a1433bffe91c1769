#include "drivers/net/rtnetlink.h"

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/socket.h>

#include <cctype>
#include <cstring>

#include "drivers/net/rtnetlink_messages.h"
#include "fmt/format.h"

namespace labctl::net {
namespace {

int AddressFamily(api::IpFamily f) { return f == api::IpFamily::kV4 ? AF_INET : AF_INET6; }
size_t AddressBytes(api::IpFamily f) { return f == api::IpFamily::kV4 ? 4 : 16; }

NetlinkMessage LinkMessage(uint16_t type, uint16_t flags, int index) {
  NetlinkMessage m(type, flags);
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = index;
  m.PutHeader(ifi);
  return m;
}

NetlinkMessage AddressMessage(uint16_t type, uint16_t flags, int index, const api::Cidr& cidr) {
  NetlinkMessage m(type, flags);
  ifaddrmsg ifa{};
  ifa.ifa_family = AddressFamily(cidr.family());
  ifa.ifa_prefixlen = cidr.prefix;
  ifa.ifa_index = index;
  if (cidr.family() == api::IpFamily::kV6) ifa.ifa_flags = IFA_F_NODAD;
  m.PutHeader(ifa);
  size_t n = AddressBytes(cidr.family());
  m.PutAttr(IFA_LOCAL, cidr.address.bytes.data(), n);
  m.PutAttr(IFA_ADDRESS, cidr.address.bytes.data(), n);
  return m;
}

NetlinkMessage RouteMessage(uint16_t type, uint16_t flags, const api::Cidr& dst) {
  NetlinkMessage m(type, flags);
  rtmsg rt{};
  rt.rtm_family = AddressFamily(dst.family());
  rt.rtm_dst_len = dst.prefix;
  rt.rtm_table = RT_TABLE_MAIN;
  rt.rtm_protocol = RTPROT_STATIC;
  rt.rtm_scope = RT_SCOPE_UNIVERSE;
  rt.rtm_type = RTN_UNICAST;
  m.PutHeader(rt);
  if (dst.prefix > 0) {
    api::IpAddress net = dst.Network();
    m.PutAttr(RTA_DST, net.bytes.data(), AddressBytes(dst.family()));
  }
  return m;
}

}  // namespace

std::optional<std::string> NormalizeMac(const std::string& mac) {
  if (mac.size() != 17) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < mac.size(); ++i) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(mac[i])));
    bool colon = i % 3 == 2;
    if (colon ? c != ':' : !std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    out += c;
  }
  return out;
}

api::Result<Rtnl> Rtnl::Open() {
  auto socket = NetlinkSocket::Open(NETLINK_ROUTE);
  if (!socket.ok()) return socket.status();
  return Rtnl(std::move(socket).value());
}

api::Result<Rtnl> Rtnl::OpenIn(const Netns& ns) {
  std::optional<NetlinkSocket> socket;
  LABCTL_RETURN_IF_ERROR(ns.Run([&]() -> api::Status {
    auto s = NetlinkSocket::Open(NETLINK_ROUTE);
    if (!s.ok()) return s.status();
    socket.emplace(std::move(s).value());
    return api::Status::Ok();
  }));
  return Rtnl(std::move(*socket));
}

api::Status Rtnl::Check(int rc, const std::string& what, bool tolerate_exists) {
  if (rc == 0 || (tolerate_exists && rc == -EEXIST)) return api::Status::Ok();
  std::string msg = what + ": " + ErrnoText(rc);
  if (rc == -EEXIST) return api::Status::AlreadyExists(msg);
  if (rc == -ENODEV || rc == -ENOENT || rc == -ESRCH || rc == -EADDRNOTAVAIL)
    return api::Status::NotFound(msg);
  if (rc == -EINVAL || rc == -ERANGE) return api::Status::BadRequest(msg);
  return api::Status::Internal(msg);
}

api::Result<std::vector<LinkInfo>> Rtnl::ListLinks() {
  std::vector<LinkInfo> links;
  NetlinkMessage m = LinkMessage(RTM_GETLINK, 0, 0);
  LABCTL_RETURN_IF_ERROR(socket_.Dump(m, [&](const nlmsghdr* h) {
    if (auto link = ParseLinkMessage(h)) links.push_back(std::move(*link));
  }));
  return links;
}

api::Result<std::optional<LinkInfo>> Rtnl::FindLinkByName(const std::string& name) {
  auto links = ListLinks();
  if (!links.ok()) return links.status();
  for (auto& l : *links)
    if (l.name == name) return std::optional<LinkInfo>(l);
  return std::optional<LinkInfo>();
}

api::Status Rtnl::SetUp(int index, bool up) {
  NetlinkMessage m(RTM_NEWLINK, 0);
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = index;
  ifi.ifi_change = IFF_UP;
  ifi.ifi_flags = up ? IFF_UP : 0;
  m.PutHeader(ifi);
  return Check(socket_.Request(m), fmt::format("set link {} {}", index, up ? "up" : "down"));
}

api::Status Rtnl::SetLinkAttrString(int index, uint16_t attr, const std::string& value,
                                    const std::string& what) {
  NetlinkMessage m = LinkMessage(RTM_NEWLINK, 0, index);
  m.PutString(attr, value);
  return Check(socket_.Request(m), what);
}

api::Status Rtnl::Rename(int index, const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ)
    return api::Status::BadRequest("interface name must be 1-15 characters: " + name);
  auto links = ListLinks();
  if (!links.ok()) return links.status();
  bool was_up = false;
  for (const auto& l : *links)
    if (l.index == index) was_up = l.up;
  if (was_up) LABCTL_RETURN_IF_ERROR(SetUp(index, false));
  api::Status st =
      SetLinkAttrString(index, IFLA_IFNAME, name, fmt::format("rename link {} to {}", index, name));
  if (was_up) {
    api::Status up = SetUp(index, true);
    if (st.ok()) st = up;
  }
  return st;
}

api::Status Rtnl::SetAlias(int index, const std::string& alias) {
  return SetLinkAttrString(index, IFLA_IFALIAS, alias, fmt::format("set alias of link {}", index));
}

api::Status Rtnl::AddAltName(int index, const std::string& altname) {
  NetlinkMessage m = LinkMessage(RTM_NEWLINKPROP, NLM_F_CREATE | NLM_F_EXCL, index);
  size_t nest = m.BeginNested(IFLA_PROP_LIST);
  m.PutString(IFLA_ALT_IFNAME, altname);
  m.EndNested(nest);
  return Check(socket_.Request(m), fmt::format("add altname {} to link {}", altname, index), true);
}

api::Status Rtnl::DeleteLink(int index) {
  NetlinkMessage m = LinkMessage(RTM_DELLINK, 0, index);
  return Check(socket_.Request(m), fmt::format("delete link {}", index));
}

api::Status Rtnl::MoveToNetns(int index, int pid) {
  NetlinkMessage m = LinkMessage(RTM_NEWLINK, 0, index);
  m.PutU32(IFLA_NET_NS_PID, static_cast<uint32_t>(pid));
  return Check(socket_.Request(m), fmt::format("move link {} to netns of pid {}", index, pid));
}

api::Status Rtnl::CreateVeth(const std::string& name, int pid, const std::string& peer_name,
                             int peer_pid) {
  for (const auto* n : {&name, &peer_name})
    if (n->empty() || n->size() >= IFNAMSIZ)
      return api::Status::BadRequest("interface name must be 1-15 characters: " + *n);
  NetlinkMessage m = LinkMessage(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
  m.PutString(IFLA_IFNAME, name);
  if (pid > 0) m.PutU32(IFLA_NET_NS_PID, static_cast<uint32_t>(pid));
  size_t linkinfo = m.BeginNested(IFLA_LINKINFO);
  m.PutString(IFLA_INFO_KIND, "veth");
  size_t data = m.BeginNested(IFLA_INFO_DATA);
  size_t peer = m.BeginNested(VETH_INFO_PEER);
  ifinfomsg peer_ifi{};
  peer_ifi.ifi_family = AF_UNSPEC;
  m.PutHeader(peer_ifi);
  m.PutString(IFLA_IFNAME, peer_name);
  if (peer_pid > 0) m.PutU32(IFLA_NET_NS_PID, static_cast<uint32_t>(peer_pid));
  m.EndNested(peer);
  m.EndNested(data);
  m.EndNested(linkinfo);
  return Check(socket_.Request(m), fmt::format("create veth {} <-> {}", name, peer_name));
}

api::Status Rtnl::CreateLink(const std::string& name, const std::string& kind) {
  if (name.empty() || name.size() >= IFNAMSIZ)
    return api::Status::BadRequest("interface name must be 1-15 characters: " + name);
  NetlinkMessage m = LinkMessage(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
  m.PutString(IFLA_IFNAME, name);
  size_t linkinfo = m.BeginNested(IFLA_LINKINFO);
  m.PutString(IFLA_INFO_KIND, kind);
  m.EndNested(linkinfo);
  const int rc = socket_.Request(m);
  // A kernel built without that kind's driver (no module to load) answers EOPNOTSUPP.
  if (rc == -EOPNOTSUPP)
    return api::Status(api::Code::kBadRequest, "UnknownLinkKind",
                       "create " + kind + " " + name + ": this kernel has no " + kind + " driver");
  return Check(rc, "create " + kind + " " + name);
}

api::Result<EnsuredLink> Rtnl::EnsureLink(const std::string& name,
                                          const std::vector<std::string>& kinds,
                                          const std::string& alias) {
  auto link = FindLinkByName(name);
  if (!link.ok()) return link.status();
  if (link->has_value()) return EnsuredLink{**link, false};
  api::Status created = api::Status::BadRequest("no link kind given for " + name);
  for (const auto& kind : kinds) {
    created = CreateLink(name, kind);
    if (created.reason() != "UnknownLinkKind") break;
  }
  if (!created.ok() && created.reason() != "AlreadyExists") return created;
  link = FindLinkByName(name);
  if (!link.ok()) return link.status();
  if (!link->has_value()) return api::Status::Internal("link " + name + " vanished");
  if (created.ok()) LABCTL_RETURN_IF_ERROR(SetAlias((*link)->index, alias));
  return EnsuredLink{**link, created.ok()};
}

api::Status Rtnl::SetMtu(int index, int mtu) {
  NetlinkMessage m = LinkMessage(RTM_NEWLINK, 0, index);
  m.PutU32(IFLA_MTU, static_cast<uint32_t>(mtu));
  return Check(socket_.Request(m), fmt::format("set mtu {} of link {}", mtu, index));
}

api::Status Rtnl::SetMac(int index, const std::string& mac) {
  auto normal = NormalizeMac(mac);
  if (!normal) return api::Status::BadRequest("malformed MAC address: " + mac);
  unsigned char bytes[6];
  for (size_t i = 0; i < 6; ++i)
    bytes[i] = static_cast<unsigned char>(std::stoi(normal->substr(i * 3, 2), nullptr, 16));
  NetlinkMessage m = LinkMessage(RTM_NEWLINK, 0, index);
  m.PutAttr(IFLA_ADDRESS, bytes, sizeof(bytes));
  return Check(socket_.Request(m), fmt::format("set mac {} of link {}", *normal, index));
}

api::Status Rtnl::SetMaster(int index, int master_index) {
  NetlinkMessage m = LinkMessage(RTM_NEWLINK, 0, index);
  m.PutU32(IFLA_MASTER, static_cast<uint32_t>(master_index));
  return Check(socket_.Request(m), fmt::format("set master of link {} to {}", index, master_index));
}

api::Status Rtnl::DeleteRootQdisc(int index) {
  NetlinkMessage m(RTM_DELQDISC, 0);
  tcmsg tc{};
  tc.tcm_family = AF_UNSPEC;
  tc.tcm_ifindex = index;
  tc.tcm_parent = TC_H_ROOT;
  m.PutHeader(tc);
  return Check(socket_.Request(m), fmt::format("delete root qdisc of link {}", index));
}

api::Result<std::vector<AddressInfo>> Rtnl::ListAddresses(int link_index) {
  std::vector<AddressInfo> out;
  NetlinkMessage m(RTM_GETADDR, 0);
  ifaddrmsg ifa{};
  ifa.ifa_family = AF_UNSPEC;
  m.PutHeader(ifa);
  LABCTL_RETURN_IF_ERROR(socket_.Dump(m, [&](const nlmsghdr* h) {
    auto address = ParseAddressMessage(h);
    if (address && (link_index == 0 || address->link_index == link_index)) out.push_back(*address);
  }));
  return out;
}

api::Status Rtnl::AddAddress(int link_index, const api::Cidr& cidr) {
  NetlinkMessage m = AddressMessage(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, link_index, cidr);
  return Check(socket_.Request(m), fmt::format("add {} to link {}", cidr.ToString(), link_index),
               true);
}

api::Status Rtnl::DeleteAddress(int link_index, const api::Cidr& cidr) {
  NetlinkMessage m = AddressMessage(RTM_DELADDR, 0, link_index, cidr);
  return Check(socket_.Request(m),
               fmt::format("delete {} from link {}", cidr.ToString(), link_index));
}

api::Result<std::vector<RouteInfo>> Rtnl::ListRoutes(api::IpFamily family) {
  std::vector<RouteInfo> out;
  NetlinkMessage m(RTM_GETROUTE, 0);
  rtmsg rt{};
  rt.rtm_family = AddressFamily(family);
  m.PutHeader(rt);
  LABCTL_RETURN_IF_ERROR(socket_.Dump(m, [&](const nlmsghdr* h) {
    if (auto route = ParseRouteMessage(h, family)) out.push_back(*route);
  }));
  return out;
}

api::Status Rtnl::ReplaceRoute(const RouteInfo& route) {
  NetlinkMessage m = RouteMessage(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, route.destination);
  size_t n = AddressBytes(route.destination.family());
  if (route.gateway) {
    if (route.gateway->family != route.destination.family())
      return api::Status::BadRequest("route gateway family differs from destination");
    m.PutAttr(RTA_GATEWAY, route.gateway->bytes.data(), n);
  }
  if (route.out_link_index > 0) m.PutU32(RTA_OIF, static_cast<uint32_t>(route.out_link_index));
  std::string via = route.gateway ? " via " + route.gateway->ToString() : "";
  return Check(socket_.Request(m),
               fmt::format("replace route {}{}", route.destination.NetworkString(), via));
}

api::Status Rtnl::DeleteRoute(const api::Cidr& destination) {
  NetlinkMessage m = RouteMessage(RTM_DELROUTE, 0, destination);
  // Match any protocol/scope: the kernel compares only fields that are set (non-zero).
  auto* rt = reinterpret_cast<rtmsg*>(NLMSG_DATA(m.header()));
  rt->rtm_protocol = 0;
  rt->rtm_scope = RT_SCOPE_NOWHERE;
  rt->rtm_type = 0;
  return Check(socket_.Request(m), "delete route " + destination.NetworkString());
}

}  // namespace labctl::net
