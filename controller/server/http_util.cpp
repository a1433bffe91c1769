#include <algorithm>

#include "controller/server/http_internal.h"

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
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

bool BoolParam(const httplib::Request& req, const char* name) {
  std::string v = Param(req, name);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v == "1" || v == "true";
}

}  // namespace labctl::server
