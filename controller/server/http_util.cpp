#include "controller/server/http_internal.h"
#include "controller/server/query_params.h"

namespace labctl::server {

void SendJson(httplib::Response& res, int http_code, const nlohmann::json& body) {
  res.status = http_code;
  // Replace, not throw: messages may quote client bytes (a path's name) that are not UTF-8.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), kJsonType);
}

void SendStatus(httplib::Response& res, const api::Status& status) {
  SendJson(res, status.http_code(), status.ToJson());
}

api::Result<Principal> CallerOf(const httplib::Request& req, const Auth& auth) {
  return auth.Authenticate(req.get_header_value("Authorization"));
}

std::string Param(const httplib::Request& req, const char* name) {
  return QueryParam(req.params, name);
}

bool BoolParam(const httplib::Request& req, const char* name) {
  return BoolQueryParam(req.params, name);
}

}  // namespace labctl::server
