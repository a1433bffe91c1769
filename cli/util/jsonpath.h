// JSONPath templates as kubectl's `-o jsonpath=` understands them (the common subset):
//   {.metadata.name}  {.items[*].metadata.name}  {.items[0]}  {.items[-1:]}  {.spec.nodes[*]}
//   {.status.conditions[?(@.type=="Ready")].status}  {..name}  {['key.with.dots']}
//   {range .items[*]}{.metadata.name}{"\n"}{end}   text outside braces is copied as is.
// Several results of one expression are joined by a space; strings print raw, other values as
// compact JSON. Missing keys yield nothing (like kubectl get, which allows missing keys).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"

namespace labctl::cli {

using json = nlohmann::json;

class JsonPath {
 public:
  // Parses a template; a template without any '{' is taken as one expression.
  static api::Result<JsonPath> Parse(std::string_view tmpl);
  // Renders the template against `root`.
  std::string Execute(const json& root) const;

  struct Node;  // one piece of the parsed template (implementation detail)
  JsonPath(JsonPath&&) noexcept;
  JsonPath& operator=(JsonPath&&) noexcept;
  ~JsonPath();

 private:
  JsonPath();
  std::vector<Node> nodes_;
};

// Evaluates one expression (no braces, e.g. ".status.phase") to the matching values.
api::Result<std::vector<json>> EvaluateJsonPath(std::string_view expr, const json& root);

// A value as the template prints it: strings raw, other values compact JSON.
std::string JsonPathText(const json& v);

}  // namespace labctl::cli
