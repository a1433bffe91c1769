// SourceManifest: a one-document manifest of this source tree (e.g. "manifests/natlab.yaml"),
// parsed, for tests that build on the shipped examples. The test fails (and gets null) if the
// file is missing, does not parse or holds other than one document.
#pragma once

#include <string>

#include "api/object.h"

namespace labctl::testing {

api::json SourceManifest(const std::string& path_in_tree);

}  // namespace labctl::testing
