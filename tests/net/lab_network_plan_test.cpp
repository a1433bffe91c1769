// The network plan derived from manifests/natlab.yaml.
#include "drivers/net/lab_network_plan.h"

#include <gtest/gtest.h>

#include "api/yaml.h"
#include "tests/support/source_manifest.h"

namespace labctl::net {
namespace {

api::LabSpec NatlabSpec() {
  return api::ReadLabSpec(::labctl::testing::SourceManifest("manifests/natlab.yaml")["spec"]);
}

const api::LabNodeSpec& Node(const api::LabSpec& spec, const std::string& name) {
  const api::LabNodeSpec* n = spec.FindNode(name);
  EXPECT_NE(n, nullptr) << name;
  static const api::LabNodeSpec kNone;
  return n ? *n : kNone;
}

TEST(LabNetworkPlan, DefaultGatewayIsTheGatewaysAddressOnTheSharedNetwork) {
  api::LabSpec spec = NatlabSpec();
  auto gws = DefaultGateways(spec, Node(spec, "client-01"));
  ASSERT_TRUE(gws.ok()) << gws.status().ToString();
  ASSERT_EQ(gws->size(), 1u);
  EXPECT_EQ((*gws)[0].ToString(), "192.168.101.254");
  auto none = DefaultGateways(spec, Node(spec, "stun-01"));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(LabNetworkPlan, NatConfigNamesInterfacesAndTheFullConeInsideHost) {
  api::LabSpec spec = NatlabSpec();
  auto cone = NatFor(spec, Node(spec, "cone-gw-01"));
  ASSERT_TRUE(cone.ok() && cone->has_value());
  EXPECT_EQ((*cone)->type, NatType::kCone);
  EXPECT_EQ((*cone)->inside_if, "eth0");
  EXPECT_EQ((*cone)->outside_if, "eth1");
  auto full = NatFor(spec, Node(spec, "fullcone-gw-01"));
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  ASSERT_TRUE((*full)->inside_host.has_value());
  EXPECT_EQ((*full)->inside_host->ToString(), "192.168.103.104");
  auto none = NatFor(spec, Node(spec, "client-01"));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(LabNetworkPlan, RoutesLinksAndImpairment) {
  api::LabSpec spec = NatlabSpec();
  auto routes = StaticRoutes(Node(spec, "symmetric-gw-01"));
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0].to.NetworkString(), "10.1.1.0/30");
  EXPECT_EQ(routes[0].via.ToString(), "10.0.1.1");
  auto links = Links(spec);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].node_a, "stun-01");
  EXPECT_EQ(links[0].ifname_b, "eth1");
  ASSERT_EQ(links[0].addresses_a.size(), 2u);
  EXPECT_EQ(links[0].addresses_a[1].ToString(), "fd01::1/64");
  ASSERT_TRUE(links[0].impairment.has_value());
  EXPECT_EQ(links[0].impairment->delay_ms, 20);
  EXPECT_EQ(links[0].impairment->rate_kbit, 10000);
}

}  // namespace
}  // namespace labctl::net
