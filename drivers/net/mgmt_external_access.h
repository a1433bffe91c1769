// containerlab's `mgmt.external-access`: the management bridge's traffic is let through the
// host's firewall by two ACCEPT rules at the top of iptables' DOCKER-USER chain, written as
// containerlab writes them (`-i <bridge>` and `-o <bridge>`, comment "set by containerlab"), in
// iptables and, where the host's ip6tables has a DOCKER-USER chain, ip6tables. Spawns
// iptables/ip6tables with an argv (no shell). Both calls are idempotent and converge: a rule
// found twice (two writers raced, or a crash between write and record) is kept once.
#pragma once

#include <string>

#include "api/status.h"

namespace labctl::net {

inline constexpr char kExternalAccessComment[] = "set by containerlab";

// Makes the two rules of `bridge` exist once each. False when the host's iptables has no
// DOCKER-USER chain: nothing is written (as containerlab, which then only warns).
api::Result<bool> EnsureExternalAccess(const std::string& bridge);
// Deletes every rule of `bridge` with that comment (none: nothing).
api::Status RemoveExternalAccess(const std::string& bridge);

}  // namespace labctl::net
