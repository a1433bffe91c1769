#include "drivers/net/rtnetlink_messages.h"

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>

#include "fmt/format.h"

namespace labctl::net {
namespace {

std::optional<api::IpAddress> IpFromAttr(int family, const AttrView& a) {
  if (!a.data) return std::nullopt;
  api::IpAddress ip;
  ip.family = family == AF_INET ? api::IpFamily::kV4 : api::IpFamily::kV6;
  size_t bytes = static_cast<size_t>(ip.BitLength() / 8);
  if (a.len < bytes) return std::nullopt;
  std::memcpy(ip.bytes.data(), a.data, bytes);
  return ip;
}

std::string MacText(const AttrView& a) {
  if (!a.data || a.len != 6) return "";
  const auto* b = static_cast<const uint8_t*>(a.data);
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2], b[3], b[4],
                     b[5]);
}

}  // namespace

std::optional<LinkInfo> ParseLinkMessage(const nlmsghdr* h) {
  if (h->nlmsg_type != RTM_NEWLINK) return std::nullopt;
  const auto* ifi = FamilyHeader<ifinfomsg>(h);
  if (!ifi) return std::nullopt;
  auto attrs = ParseAttrs(h, sizeof(ifinfomsg), IFLA_MAX);
  LinkInfo link;
  link.index = ifi->ifi_index;
  link.up = (ifi->ifi_flags & IFF_UP) != 0;
  link.name = attrs[IFLA_IFNAME].AsString();
  link.mac = MacText(attrs[IFLA_ADDRESS]);
  if (attrs[IFLA_IFALIAS].data) link.alias = attrs[IFLA_IFALIAS].AsString();
  auto info = ParseNested(attrs[IFLA_LINKINFO], IFLA_INFO_MAX);
  if (info[IFLA_INFO_KIND].data) link.kind = info[IFLA_INFO_KIND].AsString();
  // Altnames repeat the same attribute type inside IFLA_PROP_LIST.
  ForEachNested(attrs[IFLA_PROP_LIST], [&](int type, AttrView a) {
    if (type == IFLA_ALT_IFNAME) link.altnames.push_back(a.AsString());
  });
  return link;
}

std::optional<AddressInfo> ParseAddressMessage(const nlmsghdr* h) {
  if (h->nlmsg_type != RTM_NEWADDR) return std::nullopt;
  const auto* a = FamilyHeader<ifaddrmsg>(h);
  if (!a) return std::nullopt;
  auto attrs = ParseAttrs(h, sizeof(ifaddrmsg), IFA_MAX);
  const AttrView& addr = attrs[IFA_LOCAL].data ? attrs[IFA_LOCAL] : attrs[IFA_ADDRESS];
  auto ip = IpFromAttr(a->ifa_family, addr);
  if (!ip) return std::nullopt;
  AddressInfo info;
  info.link_index = static_cast<int>(a->ifa_index);
  info.cidr.address = *ip;
  info.cidr.prefix = a->ifa_prefixlen;
  info.link_local =
      ip->family == api::IpFamily::kV6 && ip->bytes[0] == 0xfe && (ip->bytes[1] & 0xc0) == 0x80;
  return info;
}

std::optional<RouteInfo> ParseRouteMessage(const nlmsghdr* h, api::IpFamily family) {
  if (h->nlmsg_type != RTM_NEWROUTE) return std::nullopt;
  const auto* r = FamilyHeader<rtmsg>(h);
  if (!r) return std::nullopt;
  auto attrs = ParseAttrs(h, sizeof(rtmsg), RTA_MAX);
  uint32_t table = attrs[RTA_TABLE].data ? attrs[RTA_TABLE].AsU32() : r->rtm_table;
  if (table != RT_TABLE_MAIN || r->rtm_type != RTN_UNICAST) return std::nullopt;
  if (r->rtm_protocol == RTPROT_KERNEL) return std::nullopt;
  RouteInfo route;
  route.destination.address.family = family;
  route.destination.prefix = r->rtm_dst_len;
  if (auto dst = IpFromAttr(r->rtm_family, attrs[RTA_DST])) route.destination.address = *dst;
  route.gateway = IpFromAttr(r->rtm_family, attrs[RTA_GATEWAY]);
  if (attrs[RTA_OIF].data) route.out_link_index = static_cast<int>(attrs[RTA_OIF].AsU32());
  return route;
}

}  // namespace labctl::net
