// A plain containerlab topology file given to apply/diff/delete -f: recognised by its top-level
// `topology:` (and no `kind:`), it becomes a Lab of provider containerlab named from its `name:`,
// runPolicy Always (up once applied, as after `containerlab deploy`),
// whose spec.containerlab.topology is the file verbatim, and whose spec.containerlab.files are
// the files its relative binds and env-files name (read relative to the file's directory, a
// directory's regular files recursively), so the lab runs on labd's host as `containerlab
// deploy` would run it beside the file.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/status.h"

namespace labctl::cli {

bool IsContainerlabTopology(const nlohmann::json& doc);

// The Lab for topology `doc` (whose text is `text`) read from `path` ("-": stdin, files are
// then read relative to the current directory).
api::Result<nlohmann::json> ContainerlabLab(const std::string& path, const std::string& text,
                                            const nlohmann::json& doc);

}  // namespace labctl::cli
