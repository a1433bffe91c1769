// Helpers shared by labctl's commands: object references ("lab/natlab"), readable error output
// (one line per validation cause, with its field path), and the exit-code conventions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/object.h"
#include "api/status.h"

namespace labctl::cli {

// "lab/natlab" (lower-case kind, as `-o name` and apply print it).
std::string ObjectRef(api::Kind kind, const std::string& name);
std::string KindLower(api::Kind kind);

// Prints "error: REF: MESSAGE" to stderr, or one "error: REF: FIELD: MESSAGE" line per cause.
void PrintError(const api::Status& status, const std::string& ref = "");
// The same lines as a string (for tests and callers that print elsewhere).
std::string FormatError(const api::Status& status, const std::string& ref = "");

// Prints "error: MESSAGE" and the usage text to stderr; returns kExitUsage.
int UsageError(const std::string& message, const std::string& usage);

struct KindAndName {
  api::Kind kind;
  std::string name;  // may be empty when allowed
};
// The API path of a lab's action: LabPath("natlab", "exec") -> .../labs/natlab/exec.
std::string LabPath(const std::string& lab, const std::string& sub);
// "lab/NAME", "labs/NAME" or "NAME" (exec, logs and capture only act on labs).
api::Result<std::string> LabName(const std::string& arg);

// Parses "KIND/NAME" from args[i], or "KIND NAME" from args[i], args[i+1]; advances i.
api::Result<KindAndName> ParseKindAndName(const std::vector<std::string>& args, size_t& i);
// "KIND" alone, with a readable error naming the kinds.
api::Result<api::Kind> ParseKindArg(const std::string& text);

}  // namespace labctl::cli
