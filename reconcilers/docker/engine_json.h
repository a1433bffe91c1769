// Conversions between the engine's plain structs and Docker Engine API JSON (API 1.41): request
// bodies for network/container create, and parsers for list/inspect/events answers. Pure
// functions, no I/O, so they are tested without a dockerd.
#pragma once

#include <nlohmann/json.hpp>

#include "reconcilers/docker/engine.h"

namespace labctl::docker {

using nlohmann::json;

json NetworkCreateBody(const NetworkSpec& spec);
json ContainerCreateBody(const ContainerSpec& spec);
json EndpointConfig(const EndpointSpec& endpoint);
// {"label":["k=v","k2"]} as the `filters` query parameter of list and events calls.
std::string LabelFilters(const LabelMap& labels, const std::vector<std::string>& types = {});

NetworkInfo ParseNetwork(const json& j);
ContainerSummary ParseContainerSummary(const json& j);
ContainerInfo ParseContainerInspect(const json& j);
EngineEvent ParseEvent(const json& j);

}  // namespace labctl::docker
