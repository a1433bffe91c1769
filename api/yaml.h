// The one YAML <-> JSON conversion path. Manifests are YAML (multi-document); the API speaks
// JSON. Strings that YAML would read back as another type ("123", "true", "yes", "null") are
// quoted when emitting; key order is kept.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/status.h"

namespace labctl::api {

// Parses every document of a (multi-document) YAML stream; empty documents are skipped.
// BadRequest with "line L, column C" on a syntax error.
Result<std::vector<nlohmann::json>> ParseYamlDocuments(const std::string& text);
// Parses JSON, or YAML if it is not JSON; BadRequest with line and column on errors.
Result<nlohmann::json> ParseJsonOrYaml(const std::string& text);
std::string ToYaml(const nlohmann::json& value);
// Same, keeping the key order of `value` (e.g. a manifest read with ordered_json).
std::string ToYaml(const nlohmann::ordered_json& value);

}  // namespace labctl::api
