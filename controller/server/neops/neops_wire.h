// NeopsWire: the shapes of the Neops server's (FastAPI's) error bodies, which are not specific
// to one route. No httplib here.
//
//   {"detail": "<message>"}                       every error a route handler gives
//   {"detail": [{"loc": ["header", "x-session-id"], "msg": "field required",
//                "type": "value_error.missing"}]} 422 for a missing header, form field or file
// (FastAPI with pydantic 1, as Debian 12 ships it.)
#pragma once

#include <string>

#include "api/object.h"

namespace labctl::server {

api::json NeopsDetail(const std::string& message);
// `where`: "header", "body" or "query"; `field`: its name as the client spells it.
api::json NeopsMissing(const std::string& where, const std::string& field);

}  // namespace labctl::server
