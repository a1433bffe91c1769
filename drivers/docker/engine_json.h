// Conversions between the engine's plain structs and Docker Engine API JSON (API 1.41): request
// bodies for network/container/exec create, parsers for list/inspect/events answers, and Docker's
// error answers as a Status. Pure functions, no I/O, so they are tested without a dockerd.
#pragma once

#include <nlohmann/json.hpp>

#include "drivers/docker/engine.h"

namespace labctl::docker {

using nlohmann::json;

json NetworkCreateBody(const NetworkSpec& spec);
json ContainerCreateBody(const ContainerSpec& spec);
json EndpointConfig(const EndpointSpec& endpoint);
// Output attached, no TTY; with `attach_stdin` the process reads the hijacked connection.
json ExecCreateBody(const std::vector<std::string>& cmd, bool attach_stdin);
// {"label":["k=v","k2"]} as the `filters` query parameter of list and events calls.
std::string LabelFilters(const LabelMap& labels, const std::vector<std::string>& types = {});

NetworkInfo ParseNetwork(const json& j);
ContainerSummary ParseContainerSummary(const json& j);
ContainerInfo ParseContainerInspect(const json& j);
EngineEvent ParseEvent(const json& j);

// A non-2xx answer ({"message": "..."}) as a Status: 400, 403, 404, 409 keep their meaning,
// anything else is Internal.
Status ErrorStatus(int http_status, const std::string& body);

}  // namespace labctl::docker
