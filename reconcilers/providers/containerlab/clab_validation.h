// What labd checks of a Lab of provider containerlab when it is written, beyond the spec's shape
// (api/lab_validation.h): the topology parsed and resolved as the provider will (clab_model.h),
// so a bad or unrealised field is a 422 at apply time naming its path inside the topology
// (spec.containerlab.topology[topology.nodes.r1.ports]); and what the topology asks of the host
// (binds outside the lab's files, env-files, capabilities) for the host-access policy
// (api/host_access_policy.h). Pure: reads no file.
#pragma once

#include <vector>

#include "api/host_access_policy.h"
#include "api/object.h"
#include "api/status.h"

namespace labctl::clab {

// OK for a Lab of another provider.
api::Status ValidateContainerlabLab(const api::json& lab);

// Empty for a Lab of another provider or a topology that does not resolve.
std::vector<api::HostRequest> ContainerlabHostRequests(const api::json& lab);

}  // namespace labctl::clab
