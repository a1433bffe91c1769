// Internal to api/yaml.cpp: YAML text to JSON values through yaml-cpp's event parser, never its
// node API (YAML::Load keeps every document and alias in memory and loops forever on some
// inputs). The input is fed through a stream that stops yaml-cpp once it has read
// `max_yaml_scan_ahead` bytes without producing an event, or the time limit passed, or parsing
// was stopped; events build the values in a JsonBuilder (depth, size, UTF-8) that copies
// aliases under their own budget. So every input ends, in bounded time and memory, with values
// or a BadRequest.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/input_limits.h"
#include "api/status.h"

namespace labctl::api {

// Every non-empty document of `text`. BadRequest "invalid YAML at line L, column C: ..." on
// syntax errors and limits.
Result<std::vector<nlohmann::json>> ReadYamlDocuments(const std::string& text,
                                                      const ParseLimits& limits);
// Makes every YAML parse, running or later, fail (labd shutting down must not wait on one).
void StopYamlParsing();

}  // namespace labctl::api
