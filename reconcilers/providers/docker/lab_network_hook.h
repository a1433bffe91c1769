// LabNetworkHook: what the Docker realisation does right after a node container (re)starts, from
// the host inside the node's network namespace, as the lab model (lab_model.h) says: interface
// names pinned by MAC (Docker orders them by network name and ignores requested names), default
// gateway and static routes, NAT rules for a gateway node, interface impairment, and the
// point-to-point links to peers that are already running (a peer that starts later wires the link
// from its side; `docker restart` destroys both veth ends, so this runs on every start), with
// their impairment (the mechanism recorded in status.links). Every step is idempotent. With
// `baselines`, the node's firewall/NAT state is snapshotted once all of it is applied (for
// `labctl lab reset`).
#pragma once

#include "drivers/docker/engine.h"
#include "reconcilers/providers/docker/lab_bringup.h"
#include "reconcilers/providers/docker/network_baselines.h"
#include "store/store.h"

namespace labctl::reconcilers {

ContainerStartedHook MakeLabNetworkHook(store::Store& store, docker::DockerEngine& engine,
                                        NetworkBaselines* baselines = nullptr);

}  // namespace labctl::reconcilers
