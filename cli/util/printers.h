// How `labctl get` prints objects: kubectl-like tables per kind (with AGE), and the
// -o wide|yaml|json|name|jsonpath=... formats. Pure functions of the objects and `now`.
//   labs:     NAME PROVIDER PHASE READY HELD-BY AGE   (wide: + RUNPOLICY SPECHASH NODES HOST)
//   sessions: NAME PHASE POSITION LAB HOLDER OWNER AGE
//   events:   LAST SEEN TYPE REASON OBJECT MESSAGE
//   hosts:    NAME READY ENDPOINT LABS NODES VERSION AGE   (wide: + SCHEDULING LAB-NAMES)
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/clock.h"
#include "api/object.h"
#include "api/status.h"
#include "cli/util/jsonpath.h"
#include "cli/util/table.h"

namespace labctl::cli {

struct OutputFormat {
  enum class Type { kTable, kWide, kYaml, kJson, kName, kJsonPath } type = Type::kTable;
  std::shared_ptr<JsonPath> jsonpath;  // kJsonPath
  bool IsTable() const { return type == Type::kTable || type == Type::kWide; }
};

// "", "wide", "yaml", "json", "name", "jsonpath=TEMPLATE" (also jsonpath='...').
api::Result<OutputFormat> ParseOutputFormat(const std::string& text);

Table NewTable(api::Kind kind, bool wide);
std::vector<std::string> TableRow(api::Kind kind, const nlohmann::json& o, bool wide,
                                  api::TimePoint now);

// Renders objects in the format: a table with headers, YAML/JSON of the single object or of a
// `kind: List`, one `lab/NAME` per line, or the jsonpath template applied to the object / list.
std::string RenderObjects(api::Kind kind, const std::vector<nlohmann::json>& items, bool single,
                          const OutputFormat& format, api::TimePoint now);

// One watch event as `get -w` prints it after the initial listing: a table row, a YAML document
// (with "---"), a JSON object, a name line, or the jsonpath output.
std::string RenderWatchObject(api::Kind kind, const nlohmann::json& object,
                              const OutputFormat& format, const Table& header, api::TimePoint now);

// The array at `at` in `o`, or an empty one (absent, or not an array).
const nlohmann::json& ArrayAt(const nlohmann::json& o, const nlohmann::json::json_pointer& at);
// A lab's nodes: its spec.nodes, or for a lab made from a topology file (containerlab, netlab;
// no spec.nodes) the nodes its status reports.
const nlohmann::json& LabNodes(const nlohmann::json& lab);
// How many of LabNodes are not in `skip_groups`.
size_t LabNodeCount(const nlohmann::json& lab, const std::vector<std::string>& skip_groups);
// "ready/total" for a lab: nodes in status.nodes with ready=true over LabNodeCount (skipGroups
// applied).
std::string LabReadyCount(const nlohmann::json& lab);

}  // namespace labctl::cli
