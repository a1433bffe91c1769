// What `labctl wait --for=...` waits for, and whether an object meets it (docs/cli.md, wait;
// kubectl semantics): condition type and status match case-insensitively; a condition whose
// observedGeneration is behind metadata.generation is ignored; jsonpath compares the printed
// value, or only requires the path to exist when no value is given.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/status.h"

namespace labctl::cli {

struct WaitFor {
  enum class Type { kCondition, kDelete, kJsonPath } type = Type::kCondition;
  std::string condition_type;             // kCondition
  std::string condition_status = "True";  // kCondition
  std::string jsonpath;                   // kJsonPath: the expression without braces
  std::optional<std::string> value;       // kJsonPath: expected value, if any
  std::string Describe() const;           // for messages: "condition=Ready", "delete", ...
};

// Parses condition=X[=S], delete, jsonpath={.a.b}=V (or jsonpath=.a.b=V, jsonpath={.a}).
api::Result<WaitFor> ParseWaitFor(std::string_view text);

// Whether `object` (present, not deleted) meets a kCondition or kJsonPath wait.
bool WaitConditionMet(const WaitFor& w, const nlohmann::json& object);

}  // namespace labctl::cli
