// Lab topology graphs: renders a Lab object (as JSON, from a manifest or from labd) as a Mermaid
// flowchart, a Graphviz DOT graph or an SVG picture laid out by Graphviz (graph_svg.h) — nodes,
// networks with their subnets, interface addresses, point-to-point links with their impairment,
// NAT roles (inside/outside) and default gateways. labctl graph and labd's dashboard both draw
// with this one model. Deterministic output (spec order); no I/O.
//
// In DOT and SVG every lab node is the element with id "node-NAME" and every network "net-NAME"
// (Graphviz copies the id onto the SVG group), so a page can colour a node by its state.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/status.h"

namespace labctl::graph {

enum class GraphFormat { kMermaid, kDot, kSvg };

std::optional<GraphFormat> ParseGraphFormat(const std::string& text);  // mermaid | dot | svg
// The picture in `format`; only SVG can fail (a Graphviz error, as Internal).
api::Result<std::string> RenderLabGraph(const nlohmann::json& lab, GraphFormat format);

}  // namespace labctl::graph
