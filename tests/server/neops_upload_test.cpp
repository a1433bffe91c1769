// What the facade makes of an upload (controller/server/neops/neops_upload) when the topology is
// a labctl Lab manifest of the wrong shape. Found by tests/fuzz/neops_upload.
#include "controller/server/neops/neops_upload.h"

#include <gtest/gtest.h>

namespace labctl::server {
namespace {

TEST(NeopsUploadTest, ALabManifestWhoseSpecIsNoObjectIsABadRequest) {
  NeopsUpload upload;
  upload.topology_name = "lab.yaml";
  upload.topology = "apiVersion: labctl.dev/v1alpha1\nkind: Lab\nspec: a im ela:labbox\n";
  auto lab = LabFromUpload(upload, "neops-0123456789ab", 600);
  ASSERT_FALSE(lab.ok());
  EXPECT_EQ(lab.status().code(), api::Code::kBadRequest);
}

}  // namespace
}  // namespace labctl::server
