// The OpenAPI 3.0 document of labd's HTTP API (docs/api.md): every path with its
// parameters and responses, and component schemas for Lab, Session, Event, their lists,
// ObjectMeta, Condition, Status and WatchEvent. Served by labd at /openapi.json; built in code so
// it cannot drift from a file on disk. Pure: no I/O, same document every call.
#pragma once

#include <nlohmann/json.hpp>

namespace labctl::api {

nlohmann::json OpenApiDocument();

}  // namespace labctl::api
