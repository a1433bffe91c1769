// Host-namespace plumbing for labs whose nodes expect it: Linux bridges in labd's own network
// namespace (the host's), the host ends of veth links attached to them, and /run/netns/<name>
// links to a container's network namespace (what `ip netns exec <name>` opens).
// Bridges spawn iptables/ip6tables for their forwarding rule (argv only, no shell).
//
// Bridges labd creates carry `tag` as their ifalias; only bridges with that tag are ever
// removed, so a bridge the user made (same name, no tag) is used but left in place. Every call
// is idempotent.
#pragma once

#include <string>

#include "api/status.h"

namespace labctl::net {

// labd's own pid: the namespace the host ends of bridge links live in.
int HostPid();

// Makes bridge `name` exist and be up, created with `tag` if absent, and lets its ports forward
// to each other through the host's firewall (an ACCEPT rule commented `tag`: Docker's FORWARD
// policy drops bridged frames). A link of that name that is not a bridge is a Conflict.
api::Status EnsureHostBridge(const std::string& name, const std::string& tag);

// Whether the host namespace has an interface of that name.
api::Result<bool> HostInterfaceExists(const std::string& name);

// Attaches host interface `ifname` to bridge `bridge` and sets it up.
api::Status AttachToHostBridge(const std::string& ifname, const std::string& bridge);

// Deletes the forwarding rule of `tag`, and the bridge `name` if it carries `tag` (absent or
// untagged: nothing). Returns whether the bridge was deleted.
api::Result<bool> RemoveHostBridge(const std::string& name, const std::string& tag);

// /run/netns/<name> -> /proc/<pid>/ns/net (replaced when it points elsewhere).
api::Status LinkNetns(const std::string& name, int pid);
// Removes /run/netns/<name> if it is a symbolic link (a namespace mount of that name is not
// ours). Returns whether one was removed.
api::Result<bool> UnlinkNetns(const std::string& name);

}  // namespace labctl::net
