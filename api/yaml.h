// The one YAML <-> JSON conversion path. Manifests are YAML (multi-document); the API speaks
// JSON. Strings that YAML would read back as another type ("123", "true", "yes", "null") are
// quoted when emitting; key order is kept.
//
// Parsing is safe on untrusted text: every parse holds to ParseLimits (api/input_limits.h:
// nesting depth, values, string bytes, YAML size, documents, alias copies, time) and yields
// only valid UTF-8, or answers BadRequest naming the line, column and field where it stopped.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/input_limits.h"
#include "api/status.h"

namespace labctl::api {

// Parses every document of a (multi-document) YAML stream; empty documents are skipped. Text
// that is one JSON value is read as JSON. BadRequest with "line L, column C" on errors.
Result<std::vector<nlohmann::json>> ParseYamlDocuments(
    const std::string& text, const ParseLimits& limits = kDefaultParseLimits);
// Parses JSON, or YAML if it is not JSON; BadRequest with line and column on errors.
Result<nlohmann::json> ParseJsonOrYaml(const std::string& text,
                                       const ParseLimits& limits = kDefaultParseLimits);
// Makes every later and running YAML parse fail at once (Unavailable): labd calls it when it
// shuts down, which then never waits on a parser.
void StopParsing();

std::string ToYaml(const nlohmann::json& value);
// Same, keeping the key order of `value` (e.g. a manifest read with ordered_json).
std::string ToYaml(const nlohmann::ordered_json& value);

}  // namespace labctl::api
