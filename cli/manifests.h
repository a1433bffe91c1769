// Reading manifests for apply/delete/diff -f: a file, a directory (every *.yaml, *.yml and
// *.json in it, sorted by name, not recursive) or "-" (stdin); each file may hold several YAML
// documents. Each document is checked for a known kind and a name. A file that is a plain
// containerlab topology becomes the Lab that runs it (clab_manifest.h).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/object.h"
#include "api/status.h"

namespace labctl::cli {

struct ManifestDoc {
  std::string source;  // file name (or "-") and document index, for messages
  api::Kind kind = api::Kind::kLab;
  nlohmann::json object;
  api::Status error;  // a document that was read but is unusable (unknown kind, no name)
};

// A file that cannot be read or parsed fails as a whole; per-document problems are reported in
// ManifestDoc::error so the caller can go on with the others.
api::Result<std::vector<ManifestDoc>> ReadManifests(const std::string& path);

}  // namespace labctl::cli
