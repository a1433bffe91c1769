// Internal to openapi: the components.schemas section of the OpenAPI document.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace labctl::api {

nlohmann::json OpenApiSchemas();
// {"$ref": "#/components/schemas/<name>"}
nlohmann::json SchemaRef(const std::string& name);

}  // namespace labctl::api
