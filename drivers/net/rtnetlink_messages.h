// Parsers of the kernel's rtnetlink replies (RTM_NEWLINK, RTM_NEWADDR, RTM_NEWROUTE) into the
// plain structs of rtnetlink.h. Pure and bounded by the message's own length, so they are fuzzed
// (tests/fuzz) without a kernel: each returns nullopt for a message of another type or one too
// short for its family header.
#pragma once

#include <linux/netlink.h>

#include <optional>

#include "drivers/net/rtnetlink.h"

namespace labctl::net {

std::optional<LinkInfo> ParseLinkMessage(const nlmsghdr* h);
std::optional<AddressInfo> ParseAddressMessage(const nlmsghdr* h);
// Only routes Rtnl::ListRoutes reports: main table, unicast, not made by the kernel.
std::optional<RouteInfo> ParseRouteMessage(const nlmsghdr* h, api::IpFamily family);

}  // namespace labctl::net
