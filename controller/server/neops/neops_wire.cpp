#include "controller/server/neops/neops_wire.h"

namespace labctl::server {

api::json NeopsDetail(const std::string& message) { return {{"detail", message}}; }

api::json NeopsMissing(const std::string& where, const std::string& field) {
  return {{"detail", api::json::array({{{"loc", {where, field}},
                                        {"msg", "field required"},
                                        {"type", "value_error.missing"}}})}};
}

}  // namespace labctl::server
