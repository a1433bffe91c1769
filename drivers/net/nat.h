// NAT gateways and network-state reset, applied inside a gateway container's namespace with the
// host's iptables (spawned with an argv array inside the namespace; the image needs no tools).
//
// Types, on the outside interface:
//   cone       MASQUERADE: the source port is kept for every destination (endpoint-independent
//              mapping); only replies from contacted address:port pairs get in.
//   symmetric  MASQUERADE --random-fully: a new external port per destination.
//   full-cone  cone plus DNAT of inbound UDP/TCP 1024-65535 to the one inside host, so any
//              outside address reaches the inside socket through its mapping.
// Every rule carries the comment "labctl:nat:<type>:<inside>:<outside>[:<host>]"; applying the
// same config again changes nothing, a different config replaces labctl's rules (Docker's DNS
// rules in the same table are never touched) and flushes conntrack so old mappings go.
#pragma once

#include <optional>
#include <string>

#include "api/ip.h"
#include "api/status.h"

namespace labctl::net {

enum class NatType { kCone, kSymmetric, kFullCone };

std::optional<NatType> ParseNatType(const std::string& text);  // "cone" | "symmetric" | "full-cone"
const char* NatTypeName(NatType type);

struct NatConfig {
  NatType type = NatType::kCone;
  std::string inside_if;  // interface names inside the gateway container
  std::string outside_if;
  std::optional<api::IpAddress> inside_host;  // full-cone: where unsolicited inbound goes
};

struct NatOutcome {
  bool changed = false;  // rules were (re)written and conntrack flushed
};

// Turns IPv4/IPv6 forwarding on and makes the gateway's NAT rules match `config`.
api::Result<NatOutcome> ApplyNat(int pid, const NatConfig& config);
// Removes labctl's NAT rules (forwarding stays as it is).
api::Status RemoveNat(int pid);

// The namespace's iptables state (iptables-save, plus ip6tables-save after a marker line when the
// host has it), taken after applying, to reset to later.
api::Result<std::string> SnapshotNetworkState(int pid);
// Restores `snapshot` — every standard table (filter, nat, mangle, raw) of both families, those
// absent from the snapshot flushed — and flushes conntrack: the next user starts clean. labctl's
// impairment queue rules live in their own nftables table and are not touched.
api::Status ResetNetworkState(int pid, const std::string& snapshot);

}  // namespace labctl::net
