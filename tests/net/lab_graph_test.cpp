// Topology graphs rendered from the reference lab: every node, network, link and NAT role shows.
#include "client/lab_graph.h"

#include <gtest/gtest.h>

#include "api/yaml.h"
#include "tests/support/source_manifest.h"

namespace labctl::client {
namespace {

nlohmann::json Natlab() { return ::labctl::testing::SourceManifest("manifests/natlab.yaml"); }

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(LabGraph, MermaidShowsNodesNetworksNatRolesLinksAndGateways) {
  std::string g = RenderLabGraph(Natlab(), GraphFormat::kMermaid);
  EXPECT_TRUE(Has(g, "flowchart LR")) << g;
  EXPECT_TRUE(Has(g, "net_internet{{\"internet<br/>10.0.0.0/16<br/>fd00::/64\"}}")) << g;
  EXPECT_TRUE(Has(g, "node_cone_gw_01[\"cone-gw-01<br/>NAT cone\"]")) << g;
  EXPECT_TRUE(Has(g, "node_fullcone_gw_01[\"fullcone-gw-01<br/>NAT full-cone\"]")) << g;
  EXPECT_TRUE(Has(g, "node_cone_gw_01 ---|\"eth1 10.0.254.1 fd00::254:1 (outside)\"| net_internet"))
      << g;
  EXPECT_TRUE(Has(g, "node_cone_gw_01 ---|\"eth0 192.168.101.254 (inside)\"| net_lan1")) << g;
  EXPECT_TRUE(Has(g, "node_client_01 -.->|\"default gw\"| node_cone_gw_01")) << g;
  EXPECT_TRUE(Has(g,
                  "node_stun_01 ===|\"eth1 ↔ eth1 10.1.1.1/30–10.1.1.2/30 fd01::1/64–fd01::2/64 "
                  "[20ms±5ms 1% loss 10000kbit/s]\"| node_peer_01"))
      << g;
  EXPECT_TRUE(Has(g, "class node_symmetric_gw_01 nat")) << g;
}

TEST(LabGraph, DotIsAnUndirectedGraphWithTheSameContent) {
  std::string g = RenderLabGraph(Natlab(), GraphFormat::kDot);
  EXPECT_TRUE(Has(g, "graph \"natlab\" {")) << g;
  EXPECT_TRUE(Has(g, "net_lan3 [label=\"lan3\\n192.168.103.0/24\", shape=hexagon")) << g;
  EXPECT_TRUE(Has(g, "node_client_03 -- node_fullcone_gw_01 [label=\"default gw\", style=dashed"))
      << g;
  EXPECT_TRUE(Has(g, "node_stun_01 -- node_peer_01 [label=")) << g;
  EXPECT_EQ(g.back(), '\n');
  EXPECT_TRUE(Has(g, "\n}\n")) << g;
}

TEST(LabGraph, ParsesFormats) {
  EXPECT_EQ(ParseGraphFormat("dot"), GraphFormat::kDot);
  EXPECT_EQ(ParseGraphFormat("mermaid"), GraphFormat::kMermaid);
  EXPECT_FALSE(ParseGraphFormat("png").has_value());
}

TEST(LabGraph, ToleratesAMinimalLab) {
  nlohmann::json lab = {{"metadata", {{"name", "x"}}}, {"spec", nlohmann::json::object()}};
  EXPECT_TRUE(Has(RenderLabGraph(lab, GraphFormat::kDot), "graph \"x\""));
  EXPECT_TRUE(Has(RenderLabGraph(lab, GraphFormat::kMermaid), "flowchart LR"));
}

}  // namespace
}  // namespace labctl::client
