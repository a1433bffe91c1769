// Internal to labd's HTTP layer (includes httplib.h; keep it out of other headers): helpers to
// answer with JSON and Status objects, and to read the caller of a request. Other modules that
// mount routes on ApiServer::raw() include this.
#pragma once

#include <httplib.h>

#include <string>

#include "api/status.h"
#include "controller/server/api_server.h"
#include "controller/server/auth.h"

namespace labctl::server {

inline constexpr char kJsonType[] = "application/json";
inline constexpr char kNdjsonType[] = "application/x-ndjson";

void SendJson(httplib::Response& res, int http_code, const nlohmann::json& body);
// Sends the Kubernetes Status object of `status` with its HTTP code.
void SendStatus(httplib::Response& res, const api::Status& status);
// The authenticated caller. The server rejects unauthenticated requests before routing (except
// public paths), so on routed non-public paths this only fails if the token file changed.
api::Result<Principal> CallerOf(const httplib::Request& req, const Auth& auth);
// Parameter value, or "" when absent.
std::string Param(const httplib::Request& req, const char* name);
// "1", "true" (any case) are true; absent or anything else false.
bool BoolParam(const httplib::Request& req, const char* name);

}  // namespace labctl::server
