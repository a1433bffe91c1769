// Lab topology graphs: renders a Lab object (as JSON, from a manifest or from labd) as a Mermaid
// flowchart or a Graphviz DOT graph — nodes, networks with their subnets, interface addresses,
// point-to-point links with their impairment, NAT roles (inside/outside) and default gateways.
// Pure functions of the input: no I/O, deterministic output (spec order).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace labctl::client {

enum class GraphFormat { kMermaid, kDot };

std::optional<GraphFormat> ParseGraphFormat(const std::string& text);  // "mermaid" | "dot"
std::string RenderLabGraph(const nlohmann::json& lab, GraphFormat format);

}  // namespace labctl::client
