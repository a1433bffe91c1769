#include "tests/support/source_manifest.h"

#include <gtest/gtest.h>

#include "api/yaml.h"
#include "tests/support/labd_process.h"

namespace labctl::testing {

api::json SourceManifest(const std::string& path_in_tree) {
  const std::string path = std::string(LABCTL_SOURCE_DIR) + "/" + path_in_tree;
  auto docs = api::ParseYamlDocuments(ReadFile(path));
  if (!docs.ok() || docs->size() != 1) {
    ADD_FAILURE() << path << ": want one YAML document: "
                  << (docs.ok() ? std::to_string(docs->size()) : docs.status().ToString());
    return nullptr;
  }
  return docs->front();
}

}  // namespace labctl::testing
