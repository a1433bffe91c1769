#include "api/spec_hash.h"

#include <gtest/gtest.h>

#include "lab_fixture.h"

namespace labctl::api {
namespace {

TEST(SpecHash, StableAndIndependentOfKeyOrder) {
  json a = json::parse(R"({"b": 1, "a": [1, 2, {"y": "x", "x": null}]})");
  json b = json::parse(R"({"a": [1, 2, {"x": null, "y": "x"}], "b": 1})");
  EXPECT_EQ(SpecHash(a), SpecHash(b));
  EXPECT_EQ(SpecHash(a).size(), 16u);
  // Pinned value: the hash must not change between builds (it is stored in labels).
  EXPECT_EQ(SpecHash(json::object()), "08f44b07b5901a25");
  EXPECT_NE(SpecHash(a), SpecHash(json::parse(R"({"b": 2, "a": [1, 2, {"y": "x", "x": null}]})")));
  EXPECT_NE(SpecHash(json::parse(R"({"a": [1, 2]})")), SpecHash(json::parse(R"({"a": [2, 1]})")));
}

TEST(NodeSpecHash, ChangesOnlyForWhatShapesTheNode) {
  json spec = testing::ExampleLab()["spec"];
  std::string client = NodeSpecHash(spec, "client-01");
  std::string gw = NodeSpecHash(spec, "cone-gw-01");
  ASSERT_FALSE(client.empty());
  EXPECT_NE(client, gw);
  EXPECT_EQ(NodeSpecHash(spec, "nope"), "");

  json other_node = spec;
  other_node["nodes"][0]["env"] = {{"X", "1"}};  // the gateway changes
  EXPECT_EQ(NodeSpecHash(other_node, "client-01"), client);
  EXPECT_NE(NodeSpecHash(other_node, "cone-gw-01"), gw);

  json unrelated_net = spec;
  unrelated_net["networks"][0]["ipv6Subnet"] = "fd00:9::/64";  // internet; client is on lan1
  EXPECT_EQ(NodeSpecHash(unrelated_net, "client-01"), client);
  EXPECT_NE(NodeSpecHash(unrelated_net, "cone-gw-01"), gw);

  json attached_net = spec;
  attached_net["networks"][1]["subnet"] = "192.168.0.0/16";  // lan1
  EXPECT_NE(NodeSpecHash(attached_net, "client-01"), client);

  json link = spec;
  link["links"][0]["impairment"]["delayMs"] = 99;
  EXPECT_EQ(NodeSpecHash(link, "r1"), NodeSpecHash(spec, "r1"));

  json impaired = spec;  // applied live: no recreate
  impaired["nodes"][1]["interfaces"][0]["impairment"] = {{"delayMs", 50}};
  EXPECT_EQ(NodeSpecHash(impaired, "client-01"), client);

  json own = spec;
  own["nodes"][1]["image"] = "labbox:2";
  EXPECT_NE(NodeSpecHash(own, "client-01"), client);
}

}  // namespace
}  // namespace labctl::api
