// Spec hashes: stable fingerprints of desired state, stored in status.specHash and on Docker
// objects (label dev.labctl.spec-hash) to decide reuse and drift.
//
// The hash is FNV-1a 64 over the canonical JSON text (keys sorted, no whitespace), printed as
// 16 lower-case hex digits. It depends only on the JSON value: equal specs hash equal across
// processes, versions of this binary and machines; key order in the manifest does not matter.
#pragma once

#include <string>

#include "api/object.h"

namespace labctl::api {

// Hash of a whole spec (e.g. a Lab's spec).
std::string SpecHash(const json& spec);
// Hash of what shapes one node's container: its spec.nodes entry plus the spec.networks
// entries it has interfaces on (in the order of its interfaces), and the lab's provider.
// Interface `impairment` is left out: it is applied live from the host, never by recreating.
// Changes elsewhere (other nodes, links, unrelated networks) leave it unchanged, so only
// nodes whose hash changed are recreated. Empty if the node is not in the spec.
std::string NodeSpecHash(const json& lab_spec, const std::string& node);

}  // namespace labctl::api
