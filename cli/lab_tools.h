// labctl's lab tools beyond the lifecycle verbs: packet capture (`labctl capture`) and artifact
// collection (`labctl lab collect`), in lab_tools_cmd.cpp.
#pragma once

#include <string>

#include "api/status.h"
#include "cli/commands.h"

namespace labctl::cli {

// Writes DIR/lab.yaml, DIR/events.yaml and DIR/nodes/NODE/{logs.txt,inspect.json}.
int CollectLab(const CliContext& ctx, const std::string& lab, const std::string& dir);

}  // namespace labctl::cli
