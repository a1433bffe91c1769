// NeopsWire: the shapes of the Neops server's (FastAPI's) answers that are not specific to one
// route — error bodies and the routing answers for unknown paths and wrong methods — and the
// facade's route table they are judged against. No httplib here.
//
//   {"detail": "<message>"}                       every error a route handler gives
//   {"detail": [{"loc": ["header", "x-session-id"], "msg": "field required",
//                "type": "value_error.missing"}]} 422 for a missing header, form field or file
//   404 {"detail": "Not Found"}                   a path no route serves
//   405 {"detail": "Method Not Allowed"} + Allow   a facade path with another method
// (FastAPI with pydantic 1, as Debian 12 ships it.)
#pragma once

#include <string>
#include <vector>

#include "api/object.h"

namespace labctl::server {

api::json NeopsDetail(const std::string& message);
// `where`: "header", "body" or "query"; `field`: its name as the client spells it.
api::json NeopsMissing(const std::string& where, const std::string& field);

// The facade's routes: path patterns (std::regex, whole path) with their methods.
class NeopsRouteTable {
 public:
  explicit NeopsRouteTable(std::string prefix);
  void Add(const std::string& method, const std::string& pattern);
  // The methods served on `path`, comma-separated as Allow wants them ("" if none).
  std::string AllowedOn(const std::string& path) const;
  // Whether an unserved `path` is the facade's to answer (FastAPI shapes): under its prefix, or,
  // at the root, anything outside labd's own API (/apis keeps its Kubernetes Status bodies).
  bool Owns(const std::string& path) const;

 private:
  struct Route {
    std::string pattern;
    std::vector<std::string> methods;
  };
  std::string prefix_;
  std::vector<Route> routes_;
};

}  // namespace labctl::server
