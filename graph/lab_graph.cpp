#include "graph/lab_graph.h"

#include <sstream>
#include <vector>

#include "graph/graph_svg.h"

namespace labctl::graph {
namespace {

using json = nlohmann::json;

struct Vertex {
  std::string id;
  std::string element_id;          // "node-NAME" / "net-NAME": the SVG element a page looks up
  std::vector<std::string> lines;  // label lines
  bool network = false;
  bool nat = false;
};

struct Edge {
  std::string from, to, label;
  enum Style { kAttach, kLink, kGateway } style = kAttach;
};

struct Topology {
  std::string name;
  std::vector<Vertex> vertices;
  std::vector<Edge> edges;
};

std::string Str(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::string SafeId(const std::string& prefix, const std::string& name) {
  std::string id = prefix;
  for (char c : name) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return id;
}

std::string NodeName(const std::string& endpoint) { return endpoint.substr(0, endpoint.find(':')); }
std::string IfName(const std::string& endpoint) {
  size_t colon = endpoint.find(':');
  return colon == std::string::npos ? "" : endpoint.substr(colon + 1);
}

std::string Number(const json& v) {
  std::ostringstream s;
  s << v.get<double>();
  return s.str();
}

std::string ImpairmentText(const json& imp) {
  if (!imp.is_object()) return "";
  std::string out;
  auto add = [&](const std::string& t) { out += (out.empty() ? "" : " ") + t; };
  if (imp.contains("delayMs")) {
    std::string d = Number(imp["delayMs"]) + "ms";
    if (imp.contains("jitterMs")) d += "±" + Number(imp["jitterMs"]) + "ms";
    add(d);
  }
  if (imp.contains("lossPercent")) add(Number(imp["lossPercent"]) + "% loss");
  if (imp.contains("rateKbit")) add(Number(imp["rateKbit"]) + "kbit/s");
  return out;
}

std::string Join(const json& arr, size_t i) {
  return arr.is_array() && arr.size() > i && arr[i].is_string() ? arr[i].get<std::string>() : "";
}

void AddNodes(const json& spec, Topology& t) {
  for (const auto& node : spec.value("nodes", json::array())) {
    std::string name = Str(node, "name");
    Vertex v{SafeId("node_", name), "node-" + name, {name}};
    const json nat = node.value("nat", json::object());
    if (!Str(nat, "type").empty()) {
      v.nat = true;
      v.lines.push_back("NAT " + Str(nat, "type"));
    }
    t.vertices.push_back(v);
    for (const auto& iface : node.value("interfaces", json::array())) {
      std::string net = Str(iface, "network");
      std::string label = Str(iface, "ifname");
      for (const char* key : {"ipv4", "ipv6"})
        if (!Str(iface, key).empty()) label += (label.empty() ? "" : " ") + Str(iface, key);
      if (net == Str(nat, "inside")) label += " (inside)";
      if (net == Str(nat, "outside")) label += " (outside)";
      t.edges.push_back({v.id, SafeId("net_", net), label, Edge::kAttach});
    }
    if (!Str(node, "defaultGateway").empty())
      t.edges.push_back(
          {v.id, SafeId("node_", Str(node, "defaultGateway")), "default gw", Edge::kGateway});
  }
}

void AddLinks(const json& spec, Topology& t) {
  for (const auto& link : spec.value("links", json::array())) {
    const json eps = link.value("endpoints", json::array());
    std::string a = Join(eps, 0), b = Join(eps, 1);
    std::string label = IfName(a) + " ↔ " + IfName(b);
    for (const char* key : {"ipv4", "ipv6"})
      if (link.contains(key)) label += " " + Join(link[key], 0) + "–" + Join(link[key], 1);
    std::string imp = ImpairmentText(link.value("impairment", json()));
    if (!imp.empty()) label += " [" + imp + "]";
    t.edges.push_back(
        {SafeId("node_", NodeName(a)), SafeId("node_", NodeName(b)), label, Edge::kLink});
  }
}

Topology Build(const json& lab) {
  Topology t;
  t.name = lab.contains("metadata") ? Str(lab["metadata"], "name") : "";
  const json spec = lab.value("spec", json::object());
  for (const auto& net : spec.value("networks", json::array())) {
    Vertex v{SafeId("net_", Str(net, "name")), "net-" + Str(net, "name"), {Str(net, "name")}, true};
    for (const char* key : {"subnet", "ipv6Subnet"})
      if (!Str(net, key).empty()) v.lines.push_back(Str(net, key));
    t.vertices.push_back(v);
  }
  AddNodes(spec, t);
  AddLinks(spec, t);
  return t;
}

std::string Quoted(const std::string& s, const std::string& newline) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"')
      out += newline == "\\n" ? "\\\"" : "#quot;";
    else if (c == '\n')
      out += newline;
    else
      out += c;
  }
  return out + "\"";
}

std::string Lines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += (s.empty() ? "" : "\n") + l;
  return s;
}

std::string Mermaid(const Topology& t) {
  std::ostringstream o;
  o << "%% lab " << t.name << "\nflowchart LR\n";
  for (const auto& v : t.vertices) {
    std::string label = Quoted(Lines(v.lines), "<br/>");
    o << "  " << v.id << (v.network ? "{{" + label + "}}" : "[" + label + "]") << "\n";
  }
  for (const auto& e : t.edges) {
    const char* arrow = e.style == Edge::kLink ? "===" : e.style == Edge::kGateway ? "-.->" : "---";
    o << "  " << e.from << " " << arrow;
    if (!e.label.empty()) o << "|" << Quoted(e.label, "<br/>") << "|";
    o << " " << e.to << "\n";
  }
  o << "  classDef network fill:#eef,stroke:#66a\n  classDef nat fill:#fed,stroke:#a60\n";
  for (const auto& v : t.vertices)
    if (v.network || v.nat) o << "  class " << v.id << (v.network ? " network" : " nat") << "\n";
  return o.str();
}

std::string Dot(const Topology& t) {
  std::ostringstream o;
  o << "graph " << Quoted(t.name, "\\n")
    << " {\n  rankdir=LR;\n  node [fontname=Helvetica];\n  edge [fontname=Helvetica, "
       "fontsize=10];\n";
  for (const auto& v : t.vertices) {
    o << "  " << v.id << " [label=" << Quoted(Lines(v.lines), "\\n");
    if (v.network)
      o << ", shape=hexagon, style=filled, fillcolor=\"#eeeeff\"";
    else if (v.nat)
      o << ", shape=box, style=filled, fillcolor=\"#ffeedd\"";
    else
      o << ", shape=box";
    o << ", id=" << Quoted(v.element_id, "\\n") << "];\n";
  }
  for (const auto& e : t.edges) {
    o << "  " << e.from << " -- " << e.to << " [label=" << Quoted(e.label, "\\n");
    if (e.style == Edge::kLink) o << ", penwidth=3";
    if (e.style == Edge::kGateway) o << ", style=dashed, dir=forward";
    o << "];\n";
  }
  o << "}\n";
  return o.str();
}

}  // namespace

std::optional<GraphFormat> ParseGraphFormat(const std::string& text) {
  if (text == "mermaid") return GraphFormat::kMermaid;
  if (text == "dot") return GraphFormat::kDot;
  if (text == "svg") return GraphFormat::kSvg;
  return std::nullopt;
}

api::Result<std::string> RenderLabGraph(const json& lab, GraphFormat format) {
  Topology t = Build(lab);
  switch (format) {
    case GraphFormat::kMermaid:
      return Mermaid(t);
    case GraphFormat::kDot:
      return Dot(t);
    case GraphFormat::kSvg:
      return DotToSvg(Dot(t));
  }
  return api::Status::BadRequest("unknown graph format");
}

}  // namespace labctl::graph
