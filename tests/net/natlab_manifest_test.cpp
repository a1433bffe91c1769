// manifests/natlab.yaml is a valid Lab and keeps the shape the docs and tests rely on.
#include <gtest/gtest.h>

#include <set>

#include "api/validation.h"
#include "api/yaml.h"
#include "tests/support/source_manifest.h"

namespace labctl::net {
namespace {

nlohmann::json LoadNatlab() { return ::labctl::testing::SourceManifest("manifests/natlab.yaml"); }

TEST(NatlabManifest, IsAValidLab) {
  auto lab = LoadNatlab();
  api::Status st = api::ValidateLab(lab);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(NatlabManifest, HasEveryNatTypeAClientPerLanAndAnImpairedLink) {
  auto lab = LoadNatlab();
  const auto& spec = lab["spec"];
  std::set<std::string> nat_types;
  int clients = 0;
  for (const auto& node : spec["nodes"]) {
    if (node.contains("nat")) nat_types.insert(node["nat"]["type"].get<std::string>());
    if (node.contains("defaultGateway")) ++clients;
  }
  EXPECT_EQ(nat_types, (std::set<std::string>{"cone", "symmetric", "full-cone"}));
  EXPECT_EQ(clients, 3);
  EXPECT_LE(spec["nodes"].size(), 10u);
  ASSERT_EQ(spec["links"].size(), 1u);
  EXPECT_TRUE(spec["links"][0].contains("impairment"));
  EXPECT_TRUE(spec["networks"][0].contains("ipv6Subnet"));
}

}  // namespace
}  // namespace labctl::net
