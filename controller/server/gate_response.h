// The answers the connection gate writes itself, before any handler runs (refusals: 400, 408,
// 413, 414, 415, 429, 431, 501, 503): a complete HTTP/1.1 response with the Status object as
// its body, that closes the connection.
#pragma once

#include <string>

#include "api/status.h"

namespace labctl::server {

std::string RefusalResponse(const api::Status& status);

}  // namespace labctl::server
