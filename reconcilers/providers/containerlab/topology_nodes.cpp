// Node resolution: containerlab's inheritance (topology.defaults < kinds < groups < node) and
// the per-node checks. Internal to Resolve (topology.cpp), declared in topology_internal.h.
#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

#include "api/field_errors.h"
#include "reconcilers/providers/containerlab/naming.h"
#include "reconcilers/providers/containerlab/topology_internal.h"

namespace labctl::clab {

KindSupport SupportOf(const std::string& kind) {
  if (kind == "linux") return KindSupport::kLinux;
  if (kind == "bridge") return KindSupport::kBridge;
  if (kind == "ext-container") return KindSupport::kExtContainer;
  if (kind == "host") return KindSupport::kHost;
  return KindSupport::kForeign;
}

std::optional<int64_t> ParseMemoryBytes(const std::string& text) {
  // docker's FromHumanSize: a number, optional unit k/m/g/t/p, optional "i" and "b"; decimal.
  static const std::regex re(R"(^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  double value = std::stod(m[1].str());
  static const std::string units = "kmgtp";
  if (m[2].matched) {
    size_t power = units.find(static_cast<char>(std::tolower(m[2].str()[0]))) + 1;
    value *= std::pow(1000.0, static_cast<double>(power));
  }
  if (value > 9.2e18) return std::nullopt;
  return static_cast<int64_t>(value);
}

const Stage& Stages::Get(std::string_view name) const {
  for (size_t i = 0; i < kStageOrder.size(); ++i)
    if (name == kStageOrder[i]) return by_order[i];
  static const Stage kEmpty;
  return kEmpty;
}

std::string Bind::ToString() const {
  if (host_path.empty()) return container_path;
  return host_path + ":" + container_path + (options.empty() ? "" : ":" + options);
}

namespace {

using api::Child;

// The four levels of one node, least specific first; absent levels are empty definitions.
struct Levels {
  const RawNodeDefinition* by_specificity[4];  // defaults, kind, group, node

  template <class T>
  std::optional<T> Scalar(std::optional<T> RawNodeDefinition::*field) const {
    for (int i = 3; i >= 0; --i) {
      const auto& v = by_specificity[i]->*field;
      if (!v) continue;
      if constexpr (std::is_same_v<T, std::string>) {
        if (v->empty()) continue;  // containerlab treats "" as unset
      } else {
        if (*v == T{}) continue;  // and 0
      }
      return v;
    }
    return std::nullopt;
  }
  StringMap MergedMap(std::optional<StringMap> RawNodeDefinition::*field) const {
    StringMap out;
    for (const auto* level : by_specificity)
      if (const auto& m = level->*field)
        for (const auto& [k, v] : *m) out[k] = v;
    return out;
  }
  // Concatenation of every level, without duplicates (MergeStringSlices).
  std::vector<std::string> MergedList(
      std::optional<std::vector<std::string>> RawNodeDefinition::*field) const {
    std::vector<std::string> out;
    for (const auto* level : by_specificity)
      if (const auto& l = level->*field)
        for (const auto& s : *l)
          if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    return out;
  }
};

const RawNodeDefinition& DefinitionOr(const std::map<std::string, RawNodeDefinition>& defs,
                                      const std::string& key) {
  static const RawNodeDefinition kEmpty;
  auto it = defs.find(key);
  return it == defs.end() ? kEmpty : it->second;
}

std::string NonEmpty(const std::optional<std::string>& v) { return v.value_or(""); }

// containerlab's GetNodeKind: the node's kind, else its group's, else the defaults' group's,
// else the defaults' kind. GetNodeGroup: the node's group, else its kind's, else the defaults'.
std::pair<std::string, std::string> KindAndGroup(const RawTopology& raw,
                                                 const RawNodeDefinition& node) {
  std::string kind = NonEmpty(node.kind);
  if (kind.empty() && !NonEmpty(node.group).empty())
    kind = NonEmpty(DefinitionOr(raw.groups, *node.group).kind);
  if (kind.empty() && !NonEmpty(raw.defaults.group).empty())
    kind = NonEmpty(DefinitionOr(raw.groups, *raw.defaults.group).kind);
  if (kind.empty()) kind = NonEmpty(raw.defaults.kind);
  std::transform(kind.begin(), kind.end(), kind.begin(), ::tolower);
  std::string group = NonEmpty(node.group);
  if (group.empty() && !kind.empty()) group = NonEmpty(DefinitionOr(raw.kinds, kind).group);
  if (group.empty()) group = NonEmpty(raw.defaults.group);
  return {kind, group};
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
  return s;
}

}  // namespace

std::string ReplaceMagicVars(const std::string& text, const NodeContext& ctx) {
  std::string s = ReplaceAll(text, "__clabNodeName__", ctx.node);
  s = ReplaceAll(s, "__clabNodeDir__", NodeDir(ctx.topology_dir, ctx.lab, ctx.node));
  return ReplaceAll(s, "__clabDir__", LabDir(ctx.topology_dir, ctx.lab));
}

std::string ResolveHostPath(const std::string& path, const std::string& base,
                            const std::string& field, api::FieldErrors& errs) {
  if (!path.empty() && path[0] == '~') {
    errs.Add(field, "host paths starting with ~ are not supported; use an absolute path");
    return path;
  }
  std::string joined = !path.empty() && path[0] == '/' ? path : base + "/" + path;
  // Normalise "." and ".." so that labels and mounts name the file the way containerlab does.
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= joined.size()) {
    size_t end = joined.find('/', start);
    if (end == std::string::npos) end = joined.size();
    std::string part = joined.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

namespace {

std::vector<Bind> ResolveBinds(const Levels& levels, const NodeContext& ctx,
                               const std::string& path, api::FieldErrors& errs) {
  // By container path: a more specific level replaces a less specific one's bind, in place.
  std::vector<Bind> binds;
  for (const auto* level : levels.by_specificity) {
    if (!level->binds) continue;
    for (size_t i = 0; i < level->binds->size(); ++i) {
      std::string field = api::At(Child(path, "binds"), i);
      std::string text = ReplaceMagicVars((*level->binds)[i], ctx);
      std::vector<std::string> parts;
      for (size_t s = 0, e; s <= text.size(); s = e + 1) {
        e = text.find(':', s);
        if (e == std::string::npos) e = text.size();
        parts.push_back(text.substr(s, e - s));
      }
      Bind b;
      if (parts.size() == 1) {
        b.container_path = parts[0];
      } else if (parts.size() <= 3 && !parts[0].empty() && !parts[1].empty()) {
        b.host_path = ResolveHostPath(parts[0], ctx.topology_dir, field, errs);
        b.container_path = parts[1];
        if (parts.size() == 3) b.options = parts[2];
      } else {
        errs.Add(field, "must be host-path:container-path[:options]");
        continue;
      }
      auto same = std::find_if(binds.begin(), binds.end(),
                               [&](const Bind& x) { return x.container_path == b.container_path; });
      if (same != binds.end())
        *same = b;
      else
        binds.push_back(b);
    }
  }
  return binds;
}

Stages ResolveStages(const Levels& levels, const RawNodeDefinition& node, const std::string& path,
                     api::FieldErrors& errs) {
  Stages out;
  auto merge = [&](const RawStages& stages, const std::string& stages_path) {
    for (const auto& [name, raw] : stages) {
      size_t idx = std::find_if(kStageOrder.begin(), kStageOrder.end(),
                                [&n = name](const char* s) { return n == s; }) -
                   kStageOrder.begin();
      Stage& stage = out.by_order[idx];
      for (size_t i = 0; i < raw.wait_for.size(); ++i) {
        WaitFor wf{raw.wait_for[i].node,
                   raw.wait_for[i].stage.empty() ? "create" : raw.wait_for[i].stage};
        if (std::find(kStageOrder.begin(), kStageOrder.end(), wf.stage) == kStageOrder.end())
          errs.Add(Child(api::At(Child(Child(stages_path, name), "wait-for"), i), "stage"),
                   "unknown stage \"" + wf.stage + "\"");
        if (std::find(stage.wait_for.begin(), stage.wait_for.end(), wf) == stage.wait_for.end())
          stage.wait_for.push_back(wf);
      }
      for (size_t i = 0; i < raw.exec.size(); ++i) {
        StageExec ex{raw.exec[i].command,
                     raw.exec[i].target.empty() ? "container" : raw.exec[i].target,
                     raw.exec[i].phase.empty() ? "on-enter" : raw.exec[i].phase};
        std::string p = api::At(Child(Child(stages_path, name), "exec"), i);
        if (ex.target != "container" && ex.target != "host")
          errs.Add(Child(p, "target"), "must be container or host");
        if (ex.phase != "on-enter" && ex.phase != "on-exit")
          errs.Add(Child(p, "phase"), "must be on-enter or on-exit");
        stage.exec.push_back(ex);
      }
    }
  };
  for (const auto* level : levels.by_specificity)
    if (level->stages) merge(*level->stages, Child(path, "stages"));
  // Older containerlab's node-level wait-for: wait until those nodes are created.
  for (const auto* level : levels.by_specificity) {
    if (!level->wait_for) continue;
    Stage& create = out.by_order[0];
    for (const auto& n : *level->wait_for) {
      WaitFor wf{n, "create"};
      if (std::find(create.wait_for.begin(), create.wait_for.end(), wf) == create.wait_for.end())
        create.wait_for.push_back(wf);
    }
  }
  (void)node;
  return out;
}

void CheckNodeValues(const Node& n, const std::string& path, api::FieldErrors& errs) {
  if (n.kind.empty())
    errs.Add(Child(path, "kind"), "no kind: set it on the node, its group or topology.defaults");
  else if (n.support == KindSupport::kForeign && n.image.empty())
    errs.Add(Child(path, "kind"), "kind " + n.kind +
                                      " is not implemented by labctl; with an image it runs as a "
                                      "linux container, but no image is set");
  if (n.support == KindSupport::kLinux && n.image.empty())
    errs.Add(Child(path, "image"),
             "required for kind linux (on the node, its kind, group or "
             "topology.defaults)");
  static const char* const policies[] = {"", "no", "on-failure", "always", "unless-stopped"};
  if (std::find(std::begin(policies), std::end(policies), n.restart_policy) == std::end(policies))
    errs.Add(Child(path, "restart-policy"), "must be no, on-failure, always or unless-stopped");
  const std::string& nm = n.network_mode;
  if (!nm.empty() && nm != "host" && nm != "none" && nm.rfind("container:", 0) != 0)
    errs.Add(Child(path, "network-mode"), "must be host, none or container:<name>");
  if (!n.memory.empty() && !n.memory_bytes)
    errs.Add(Child(path, "memory"), "must be a size like 512M or 1G");
}

}  // namespace

Node ResolveNode(const RawTopology& raw, const std::string& name, const NodeContext& ctx,
                 api::FieldErrors& errs) {
  const RawNodeDefinition& def = raw.nodes.at(name);
  const std::string path = Child("topology.nodes", name);
  auto [kind, group] = KindAndGroup(raw, def);
  Levels levels{
      {&raw.defaults, &DefinitionOr(raw.kinds, kind), &DefinitionOr(raw.groups, group), &def}};
  Node n;
  n.name = name;
  n.kind = kind;
  n.support = SupportOf(kind);
  n.group = group;
  n.type = levels.Scalar(&RawNodeDefinition::type).value_or("");
  n.image = levels.Scalar(&RawNodeDefinition::image).value_or("");
  n.cmd = levels.Scalar(&RawNodeDefinition::cmd).value_or("");
  n.entrypoint = levels.Scalar(&RawNodeDefinition::entrypoint).value_or("");
  n.user = levels.Scalar(&RawNodeDefinition::user).value_or("");
  n.network_mode = levels.Scalar(&RawNodeDefinition::network_mode).value_or("");
  n.restart_policy = levels.Scalar(&RawNodeDefinition::restart_policy).value_or("");
  n.memory = levels.Scalar(&RawNodeDefinition::memory).value_or("");
  if (!n.memory.empty()) n.memory_bytes = ParseMemoryBytes(n.memory);
  n.cpu = levels.Scalar(&RawNodeDefinition::cpu);
  n.cpu_set = levels.Scalar(&RawNodeDefinition::cpu_set).value_or("");
  n.startup_delay = levels.Scalar(&RawNodeDefinition::startup_delay).value_or(0);
  if (auto rt = levels.Scalar(&RawNodeDefinition::runtime); rt && *rt != "docker")
    errs.Add(Child(path, "runtime"), "only the docker runtime is supported");
  n.env = levels.MergedMap(&RawNodeDefinition::env);
  n.labels = levels.MergedMap(&RawNodeDefinition::labels);
  n.sysctls = levels.MergedMap(&RawNodeDefinition::sysctls);
  n.cap_add = levels.MergedList(&RawNodeDefinition::cap_add);
  for (const auto& f : levels.MergedList(&RawNodeDefinition::env_files))
    n.env_files.push_back(ResolveHostPath(ReplaceMagicVars(f, ctx), ctx.topology_dir,
                                          Child(path, "env-files"), errs));
  for (const auto* level : levels.by_specificity)  // exec: every level, in order
    if (level->exec)
      for (const auto& e : *level->exec) n.exec.push_back(ReplaceMagicVars(e, ctx));
  for (int i = 3; i >= 0 && n.ports.empty(); --i)  // ports: the most specific level that has any
    if (const auto& p = levels.by_specificity[i]->ports) n.ports = *p;
  n.binds = ResolveBinds(levels, ctx, path, errs);
  n.stages = ResolveStages(levels, def, path, errs);
  if (def.mgmt_ipv4 && !def.mgmt_ipv4->empty()) {
    n.mgmt_ipv4 = api::ParseIpv4(*def.mgmt_ipv4);
    if (!n.mgmt_ipv4) errs.Add(Child(path, "mgmt-ipv4"), "not an IPv4 address");
  }
  if (def.mgmt_ipv6 && !def.mgmt_ipv6->empty()) {
    n.mgmt_ipv6 = api::ParseIpv6(*def.mgmt_ipv6);
    if (!n.mgmt_ipv6) errs.Add(Child(path, "mgmt-ipv6"), "not an IPv6 address");
  }
  CheckNodeValues(n, path, errs);
  return n;
}

void CheckWaitFor(const Topology& topo, api::FieldErrors& errs) {
  for (const auto& [name, node] : topo.nodes)
    for (size_t s = 0; s < kStageOrder.size(); ++s)
      for (const auto& wf : node.stages.by_order[s].wait_for)
        if (!topo.nodes.count(wf.node) || wf.node == name)
          errs.Add(
              Child(Child(Child("topology.nodes", name), "stages"), kStageOrder[s]) + ".wait-for",
              wf.node == name ? "a node cannot wait for itself"
                              : "unknown node \"" + wf.node + "\"");
}

}  // namespace labctl::clab
