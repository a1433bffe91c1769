// Topology graphs rendered from the reference lab: every node, network, link and NAT role shows,
// in Mermaid, DOT and the SVG Graphviz lays out.
#include "graph/lab_graph.h"

#include <gtest/gtest.h>

#include "graph/graph_svg.h"
#include "tests/support/source_manifest.h"

namespace labctl::graph {
namespace {

nlohmann::json Natlab() { return ::labctl::testing::SourceManifest("manifests/natlab.yaml"); }

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Graphviz writes '-' in attribute values as the character reference "&#45;".
std::string XmlDashes(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '-' ? std::string("&#45;") : std::string(1, c);
  return out;
}

std::string Draw(const nlohmann::json& lab, GraphFormat format) {
  auto picture = RenderLabGraph(lab, format);
  EXPECT_TRUE(picture.ok()) << picture.status().ToString();
  return picture.ok() ? *picture : std::string();
}

TEST(LabGraph, MermaidShowsNodesNetworksNatRolesLinksAndGateways) {
  std::string g = Draw(Natlab(), GraphFormat::kMermaid);
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
  std::string g = Draw(Natlab(), GraphFormat::kDot);
  EXPECT_TRUE(Has(g, "graph \"natlab\" {")) << g;
  EXPECT_TRUE(Has(g, "net_lan3 [label=\"lan3\\n192.168.103.0/24\", shape=hexagon")) << g;
  EXPECT_TRUE(Has(g, "id=\"net-lan3\"")) << g;
  EXPECT_TRUE(Has(g, "id=\"node-cone-gw-01\"")) << g;
  EXPECT_TRUE(Has(g, "node_client_03 -- node_fullcone_gw_01 [label=\"default gw\", style=dashed"))
      << g;
  EXPECT_TRUE(Has(g, "node_stun_01 -- node_peer_01 [label=")) << g;
  EXPECT_EQ(g.back(), '\n');
  EXPECT_TRUE(Has(g, "\n}\n")) << g;
}

TEST(LabGraph, ParsesFormats) {
  EXPECT_EQ(ParseGraphFormat("dot"), GraphFormat::kDot);
  EXPECT_EQ(ParseGraphFormat("mermaid"), GraphFormat::kMermaid);
  EXPECT_EQ(ParseGraphFormat("svg"), GraphFormat::kSvg);
  EXPECT_FALSE(ParseGraphFormat("png").has_value());
}

TEST(LabGraph, ToleratesAMinimalLab) {
  nlohmann::json lab = {{"metadata", {{"name", "x"}}}, {"spec", nlohmann::json::object()}};
  EXPECT_TRUE(Has(Draw(lab, GraphFormat::kDot), "graph \"x\""));
  EXPECT_TRUE(Has(Draw(lab, GraphFormat::kMermaid), "flowchart LR"));
  EXPECT_TRUE(Has(Draw(lab, GraphFormat::kSvg), "<svg")) << Draw(lab, GraphFormat::kSvg);
}

// Graphviz lays the DOT graph out: every node and network is an SVG group with its element id,
// NAT gateways keep their fill, and labels arrive escaped.
TEST(LabGraph, SvgHasAGroupPerNodeAndNetworkWithTheirIds) {
  std::string svg = Draw(Natlab(), GraphFormat::kSvg);
  EXPECT_TRUE(Has(svg, "<svg")) << svg;
  EXPECT_TRUE(Has(svg, "</svg>")) << svg;
  for (const char* id :
       {"node-cone-gw-01", "node-client-01", "node-stun-01", "net-internet", "net-lan1"})
    EXPECT_TRUE(Has(svg, "<g id=\"" + XmlDashes(id) + "\" class=\"node\">")) << id << "\n" << svg;
  EXPECT_TRUE(Has(svg, "NAT cone")) << svg;
  EXPECT_TRUE(Has(svg, "fill=\"#ffeedd\"")) << svg;
  EXPECT_TRUE(Has(svg, "10.0.0.0/16")) << svg;
}

TEST(LabGraph, SvgEscapesMarkupInNames) {
  nlohmann::json lab = {{"metadata", {{"name", "x"}}},
                        {"spec", {{"nodes", {{{"name", "<b>&\"q"}}}}}}};
  std::string svg = Draw(lab, GraphFormat::kSvg);
  EXPECT_FALSE(Has(svg, "<b>")) << svg;
  EXPECT_TRUE(Has(svg, "&lt;b&gt;&amp;")) << svg;
}

TEST(LabGraph, GraphvizErrorsAreReturnedNotPrinted) {
  auto svg = DotToSvg("graph { a -- ");
  ASSERT_FALSE(svg.ok());
  EXPECT_EQ(svg.status().code(), api::Code::kInternal);
  EXPECT_TRUE(Has(svg.status().message(), "graphviz")) << svg.status().message();
  EXPECT_TRUE(Has(svg.status().message(), "syntax error")) << svg.status().message();
  // The next render is unaffected.
  EXPECT_TRUE(DotToSvg("graph { a -- b }").ok());
}

}  // namespace
}  // namespace labctl::graph
