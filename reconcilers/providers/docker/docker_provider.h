// Provider docker: labctl's own Lab spec (spec.nodes, networks, links; api/lab_spec.h) realised
// on Docker. ReadLabModel turns a Lab into the realisation model — containers
// labctl-<lab>-<node> on networks labctl-<lab>-<network> (plain bridges, masquerade off), nodes
// of skipGroups left out, routes, default gateways and NAT from the spec — and MakeDockerProvider
// runs it through the Docker realisation with labd's hooks.
#pragma once

#include <memory>

#include "api/object.h"
#include "drivers/docker/engine.h"
#include "reconcilers/providers/docker/docker_realisation.h"
#include "reconcilers/providers/docker/lab_model.h"
#include "store/store.h"

namespace labctl::reconcilers {

inline constexpr char kDockerProvider[] = "docker";

// The realisation model of a Lab of provider docker (spec defaults applied, api/lab_spec.h).
LabModel ReadLabModel(const api::json& lab);

// Provider docker over `engine`.
std::unique_ptr<DockerRealisation> MakeDockerProvider(store::Store& store,
                                                      docker::DockerEngine& engine,
                                                      DockerRealisationOptions options = {});

}  // namespace labctl::reconcilers
