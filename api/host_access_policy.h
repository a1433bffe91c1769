// HostAccessPolicy: what a Lab may ask of the host, and the per-token grant that allows it.
//
// A node can reach outside its container: a bind of a host path, privileged mode, capabilities
// beyond the safe set, a named Docker volume (one created with bind options reaches any host
// path), and — for providers that offer them — the host's network/pid/ipc namespaces and
// devices. Each such field is a HostRequest; a principal's HostAccessGrant (the key=value fields
// of its tokens-file line, docs/security.md) says which it may make. CheckHostAccess refuses the
// requests the grant does not cover with 403 Forbidden, one cause per refused field
// (spec.nodes[2].binds[0]).
//
// Allowed to everybody: capabilities of the safe set (Docker's default set plus NET_ADMIN:
// namespaced network administration; SYS_ADMIN and the like are not, they allow container
// escape), and binds of the lab's own files (a relative source that a provider resolves inside
// the lab's directory, never escaping it). The rule judges what the user wrote in the spec; what
// a provider adds itself (netlab's capabilities and file binds) is not judged. Pure: no I/O.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/object.h"
#include "api/status.h"

namespace labctl::api {

struct HostAccessGrant {
  bool privileged = false;
  bool host_namespaces = false;
  bool devices = false;
  bool volumes = false;                   // named Docker volumes
  bool all_capabilities = false;          // caps=ALL
  std::set<std::string> capabilities;     // beyond the safe set, upper case without CAP_
  std::vector<std::string> bind_dirs;     // host directories bindable read-write or read-only
  std::vector<std::string> ro_bind_dirs;  // host directories bindable read-only

  // Everything (host-access=all; the anonymous principal of a labd without tokens).
  static HostAccessGrant All();
  bool operator==(const HostAccessGrant&) const = default;
};

// Adds one key=value field of a tokens-file line to `grant`: host-access=all|none,
// privileged|host-namespaces|devices|volumes=true|false, caps=NAME[:NAME...] (or ALL),
// binds=/dir[:/dir...], binds-ro=/dir[:/dir...]. BadRequest naming the key otherwise.
Status AddGrantField(HostAccessGrant& grant, std::string_view key, std::string_view value);

// A capability name as the rule compares it: upper case, without "CAP_".
std::string CanonicalCapability(std::string_view name);
// Docker's default capability set plus NET_ADMIN.
bool IsSafeCapability(std::string_view canonical_name);

struct HostRequest {
  enum class Kind { kPrivileged, kCapability, kBind, kVolume, kLabFile, kHostNamespace, kDevice };
  Kind kind;
  std::string field;  // spec.nodes[2].binds[0]
  // kCapability: canonical name; kBind: host path; kVolume: volume name; kLabFile: relative
  // path; kHostNamespace: network|pid|ipc; kDevice: host device path.
  std::string value;
  bool read_only = false;  // binds, volumes and lab files mounted :ro
};

// What a Lab's spec asks of the host (spec.nodes[i].privileged, capAdd, binds).
std::vector<HostRequest> HostRequestsOf(const json& lab);
// OK, or Forbidden naming every request `grant` does not cover.
Status CheckHostRequests(const std::vector<HostRequest>& requests, const HostAccessGrant& grant);
// CheckHostRequests(HostRequestsOf(lab), grant).
Status CheckHostAccess(const json& lab, const HostAccessGrant& grant);

}  // namespace labctl::api
