// TextFile: a whole file read into a string, and a file replaced atomically (written beside it,
// then renamed over it), for labd's small state and lab files (network baselines, containerlab
// topologies and their files).
#pragma once

#include <string>

#include "api/status.h"

namespace labctl::api {

// The file's bytes; NotFound when it cannot be opened.
Result<std::string> ReadTextFile(const std::string& path);
// The file's bytes, or "" when it cannot be read (state files that may not exist yet).
std::string ReadTextFileOrEmpty(const std::string& path);
// Writes `content` to `path` through `path`.tmp and a rename, so a reader never sees half of it.
// The parent directory must exist.
Status WriteFileAtomically(const std::string& path, const std::string& content);
// Writes `content` to `path` (parent directories created) unless it already holds exactly that;
// atomically, as WriteFileAtomically.
Status WriteFileIfChanged(const std::string& path, const std::string& content);

}  // namespace labctl::api
