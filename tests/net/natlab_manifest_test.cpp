// manifests/natlab.yaml is a valid Lab and keeps the shape the docs and tests rely on.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "api/validation.h"
#include "api/yaml.h"

namespace labctl::net {
namespace {

nlohmann::json LoadNatlab() {
  std::ifstream in(std::string(LABCTL_SOURCE_DIR) + "/manifests/natlab.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  auto docs = api::ParseYamlDocuments(ss.str());
  EXPECT_TRUE(docs.ok()) << docs.status().ToString();
  EXPECT_EQ(docs.ok() ? docs->size() : 0u, 1u);
  return docs.ok() && !docs->empty() ? (*docs)[0] : nlohmann::json();
}

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
