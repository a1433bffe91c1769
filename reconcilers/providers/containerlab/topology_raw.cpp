#include "reconcilers/providers/containerlab/topology_raw.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "api/field_errors.h"
#include "api/yaml.h"

namespace labctl::clab {
namespace {

using api::Child;
using api::FieldErrors;
using api::json;

// Fields containerlab knows that labctl does not realise: rejected with this message rather
// than "unknown field", so that the user learns the field is valid containerlab but unsupported.
constexpr std::string_view kUnsupportedNodeFields[] = {"startup-config",
                                                       "enforce-startup-config",
                                                       "suppress-startup-config",
                                                       "auto-remove",
                                                       "config",
                                                       "image-pull-policy",
                                                       "license",
                                                       "position",
                                                       "devices",
                                                       "shm-size",
                                                       "publish",
                                                       "sandbox",
                                                       "kernel",
                                                       "extras",
                                                       "dns",
                                                       "certificate",
                                                       "healthcheck",
                                                       "aliases",
                                                       "components"};

constexpr std::string_view kNodeFields[] = {
    "kind",           "type",          "group",        "image",  "cmd",     "entrypoint",
    "user",           "env",           "env-files",    "binds",  "exec",    "labels",
    "mgmt-ipv4",      "mgmt-ipv6",     "network-mode", "ports",  "sysctls", "cap-add",
    "restart-policy", "startup-delay", "wait-for",     "stages", "memory",  "cpu",
    "cpu-set",        "runtime"};

constexpr std::string_view kStageNames[] = {"create", "create-links", "configure", "healthy",
                                            "exit"};

using OptString = std::optional<std::string>;
constexpr std::pair<std::string_view, OptString RawNodeDefinition::*> kNodeStringFields[] = {
    {"kind", &RawNodeDefinition::kind},
    {"type", &RawNodeDefinition::type},
    {"group", &RawNodeDefinition::group},
    {"image", &RawNodeDefinition::image},
    {"cmd", &RawNodeDefinition::cmd},
    {"entrypoint", &RawNodeDefinition::entrypoint},
    {"network-mode", &RawNodeDefinition::network_mode},
    {"cpu-set", &RawNodeDefinition::cpu_set},
    {"mgmt-ipv4", &RawNodeDefinition::mgmt_ipv4},
    {"mgmt-ipv6", &RawNodeDefinition::mgmt_ipv6},
    {"runtime", &RawNodeDefinition::runtime}};

constexpr std::pair<std::string_view, OptString RawMgmt::*> kMgmtStringFields[] = {
    {"network", &RawMgmt::network},         {"bridge", &RawMgmt::bridge},
    {"ipv4-subnet", &RawMgmt::ipv4_subnet}, {"ipv6-subnet", &RawMgmt::ipv6_subnet},
    {"ipv4-gw", &RawMgmt::ipv4_gw},         {"ipv6-gw", &RawMgmt::ipv6_gw},
    {"ipv4-range", &RawMgmt::ipv4_range},   {"ipv6-range", &RawMgmt::ipv6_range}};

template <size_t N>
bool In(const std::string_view (&list)[N], std::string_view key) {
  return std::find(std::begin(list), std::end(list), key) != std::end(list);
}

// Rejects every key of `obj` that is not in `known`: a containerlab field labctl does not
// realise gets its own message.
template <size_t N>
void CheckFields(const json& obj, const std::string& path, const std::string_view (&known)[N],
                 FieldErrors& errs) {
  for (const auto& [key, value] : obj.items()) {
    if (In(known, key)) continue;
    if (In(kUnsupportedNodeFields, key))
      errs.Add(Child(path, key), "containerlab field not supported by labctl");
    else
      errs.Add(Child(path, key), "unknown field");
  }
}

// Scalars in maps and lists (env values, labels, ports) may be written unquoted: 1, true.
std::optional<std::string> ScalarText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) return v.dump();
  return std::nullopt;
}

std::optional<std::string> String(const json& obj, std::string_view key, const std::string& path,
                                  FieldErrors& errs, bool allow_number = false) {
  const json* v = api::Find(obj, key);
  if (!v) return std::nullopt;
  if (allow_number && (v->is_number() || v->is_boolean())) return ScalarText(*v);
  if (!api::ExpectString(*v, Child(path, key), errs)) return std::nullopt;
  return v->get<std::string>();
}

std::optional<std::vector<std::string>> StringList(const json& obj, std::string_view key,
                                                   const std::string& path, FieldErrors& errs) {
  const json* v = api::Find(obj, key);
  if (!v) return std::nullopt;
  std::string field = Child(path, key);
  if (!api::ExpectArray(*v, field, errs)) return std::nullopt;
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    auto text = ScalarText((*v)[i]);
    if (!text || (*v)[i].is_boolean()) {
      errs.Add(api::At(field, i), "must be a string");
      continue;
    }
    out.push_back(*text);
  }
  return out;
}

std::optional<StringMap> Map(const json& obj, std::string_view key, const std::string& path,
                             FieldErrors& errs) {
  const json* v = api::Find(obj, key);
  if (!v) return std::nullopt;
  std::string field = Child(path, key);
  if (!api::ExpectObject(*v, field, errs)) return std::nullopt;
  StringMap out;
  for (const auto& [k, value] : v->items()) {
    auto text = value.is_null() ? std::optional<std::string>("") : ScalarText(value);
    if (!text)
      errs.Add(Child(field, k), "must be a string");
    else
      out[k] = *text;
  }
  return out;
}

std::optional<int> Int(const json& obj, std::string_view key, const std::string& path, int64_t min,
                       int64_t max, FieldErrors& errs) {
  const json* v = api::Find(obj, key);
  if (!v || !api::ExpectInteger(*v, Child(path, key), min, max, errs)) return std::nullopt;
  return static_cast<int>(v->get<int64_t>());
}

RawEndpoint ParseEndpoint(const json& v, const std::string& path, FieldErrors& errs) {
  RawEndpoint ep;
  if (!api::ExpectObject(v, path, errs)) return ep;
  api::RejectUnknownFields(v, path, {"node", "interface", "mac"}, errs);
  const json* node = api::Find(v, "node");
  const json* iface = api::Find(v, "interface");
  if (!node) errs.Add(Child(path, "node"), "required");
  if (!iface) errs.Add(Child(path, "interface"), "required");
  ep.node = String(v, "node", path, errs).value_or("");
  ep.interface = String(v, "interface", path, errs).value_or("");
  ep.mac = String(v, "mac", path, errs).value_or("");
  return ep;
}

RawStage ParseStage(const json& v, const std::string& path, FieldErrors& errs) {
  RawStage stage;
  if (!api::ExpectObject(v, path, errs)) return stage;
  api::RejectUnknownFields(v, path, {"wait-for", "exec"}, errs);
  if (const json* wf = api::Find(v, "wait-for");
      wf && api::ExpectArray(*wf, Child(path, "wait-for"), errs)) {
    for (size_t i = 0; i < wf->size(); ++i) {
      std::string p = api::At(Child(path, "wait-for"), i);
      const json& item = (*wf)[i];
      if (!api::ExpectObject(item, p, errs)) continue;
      api::RejectUnknownFields(item, p, {"node", "stage"}, errs);
      if (!api::Find(item, "node")) errs.Add(Child(p, "node"), "required");
      stage.wait_for.push_back({String(item, "node", p, errs).value_or(""),
                                String(item, "stage", p, errs).value_or("")});
    }
  }
  if (const json* ex = api::Find(v, "exec");
      ex && api::ExpectArray(*ex, Child(path, "exec"), errs)) {
    for (size_t i = 0; i < ex->size(); ++i) {
      std::string p = api::At(Child(path, "exec"), i);
      const json& item = (*ex)[i];
      if (!api::ExpectObject(item, p, errs)) continue;
      api::RejectUnknownFields(item, p, {"command", "target", "phase"}, errs);
      if (!api::Find(item, "command")) errs.Add(Child(p, "command"), "required");
      stage.exec.push_back({String(item, "command", p, errs).value_or(""),
                            String(item, "target", p, errs).value_or(""),
                            String(item, "phase", p, errs).value_or("")});
    }
  }
  return stage;
}

RawStages ParseStages(const json& v, const std::string& path, FieldErrors& errs) {
  RawStages stages;
  if (!api::ExpectObject(v, path, errs)) return stages;
  for (const auto& [name, stage] : v.items()) {
    if (!In(kStageNames, name)) {
      errs.Add(Child(path, name),
               "unknown stage (create, create-links, configure, healthy or exit)");
      continue;
    }
    if (!stage.is_null()) stages[name] = ParseStage(stage, Child(path, name), errs);
  }
  return stages;
}

RawNodeDefinition ParseNodeDefinition(const json& v, const std::string& path, bool is_node,
                                      FieldErrors& errs) {
  RawNodeDefinition d;
  if (v.is_null()) return d;  // "r1:" with nothing under it is a node with all defaults
  if (!api::ExpectObject(v, path, errs)) return d;
  CheckFields(v, path, kNodeFields, errs);
  for (const char* per_node : {"mgmt-ipv4", "mgmt-ipv6"})
    if (!is_node && api::Find(v, per_node))
      errs.Add(Child(path, per_node), "only valid on a node (topology.nodes.<name>)");
  for (const auto& [key, field] : kNodeStringFields) d.*field = String(v, key, path, errs);
  // user and memory may be written as numbers (user: 1000, memory: 1073741824).
  d.user = String(v, "user", path, errs, /*allow_number=*/true);
  d.memory = String(v, "memory", path, errs, /*allow_number=*/true);
  // `restart-policy: no` unquoted is a YAML boolean; containerlab users write it either way.
  if (const json* rp = api::Find(v, "restart-policy"); rp && rp->is_boolean() && !rp->get<bool>())
    d.restart_policy = "no";
  else
    d.restart_policy = String(v, "restart-policy", path, errs);
  if (auto delay = Int(v, "startup-delay", path, 0, 86400, errs)) d.startup_delay = *delay;
  if (const json* cpu = api::Find(v, "cpu");
      cpu && api::ExpectNumber(*cpu, Child(path, "cpu"), 0, 4096, errs))
    d.cpu = cpu->get<double>();
  d.env = Map(v, "env", path, errs);
  d.labels = Map(v, "labels", path, errs);
  d.sysctls = Map(v, "sysctls", path, errs);
  d.env_files = StringList(v, "env-files", path, errs);
  d.binds = StringList(v, "binds", path, errs);
  d.exec = StringList(v, "exec", path, errs);
  d.ports = StringList(v, "ports", path, errs);
  d.cap_add = StringList(v, "cap-add", path, errs);
  d.wait_for = StringList(v, "wait-for", path, errs);
  if (const json* st = api::Find(v, "stages"))
    d.stages = ParseStages(*st, Child(path, "stages"), errs);
  return d;
}

std::map<std::string, RawNodeDefinition> ParseDefinitions(const json& topo, std::string_view key,
                                                          const std::string& path, bool is_node,
                                                          FieldErrors& errs) {
  std::map<std::string, RawNodeDefinition> out;
  const json* v = api::Find(topo, key);
  std::string field = Child(path, key);
  if (!v || !api::ExpectObject(*v, field, errs)) return out;
  for (const auto& [name, def] : v->items())
    out[name] = ParseNodeDefinition(def, Child(field, name), is_node, errs);
  return out;
}

RawLink ParseLink(const json& v, const std::string& path, FieldErrors& errs) {
  RawLink link;
  link.path = path;
  if (!api::ExpectObject(v, path, errs)) return link;
  link.type = String(v, "type", path, errs).value_or("");
  if (auto mtu = Int(v, "mtu", path, 68, 65535, errs)) link.mtu = *mtu;
  link.labels = Map(v, "labels", path, errs).value_or(StringMap{});
  const std::string& t = link.type;
  if (t.empty()) {
    api::RejectUnknownFields(v, path, {"endpoints", "mtu", "labels", "vars"}, errs);
    link.brief_endpoints =
        StringList(v, "endpoints", path, errs).value_or(std::vector<std::string>{});
  } else if (t == "veth") {
    api::RejectUnknownFields(v, path, {"type", "endpoints", "mtu", "labels", "vars"}, errs);
    const json* eps = api::Find(v, "endpoints");
    if (eps && api::ExpectArray(*eps, Child(path, "endpoints"), errs))
      for (size_t i = 0; i < eps->size(); ++i)
        link.endpoints.push_back(
            ParseEndpoint((*eps)[i], api::At(Child(path, "endpoints"), i), errs));
  } else if (t == "dummy" || t == "host" || t == "mgmt-net") {
    if (t == "dummy")
      api::RejectUnknownFields(v, path, {"type", "endpoint", "mtu", "labels", "vars"}, errs);
    else
      api::RejectUnknownFields(
          v, path, {"type", "endpoint", "host-interface", "mtu", "labels", "vars"}, errs);
    if (const json* ep = api::Find(v, "endpoint"))
      link.endpoint = ParseEndpoint(*ep, Child(path, "endpoint"), errs);
    else
      errs.Add(Child(path, "endpoint"), "required");
    link.host_interface = String(v, "host-interface", path, errs).value_or("");
  } else if (t == "macvlan" || t == "macvtap" || t == "vxlan" || t == "vxlan-stitch") {
    errs.Add(Child(path, "type"), "link type " + t + " is not supported by labctl");
  } else {
    errs.Add(Child(path, "type"),
             "unknown link type \"" + t + "\" (veth, dummy, host, mgmt-net or the brief form)");
  }
  return link;
}

RawMgmt ParseMgmt(const json& v, const std::string& path, FieldErrors& errs) {
  RawMgmt m;
  if (v.is_null() || !api::ExpectObject(v, path, errs)) return m;
  for (const auto& [key, value] : v.items()) {
    static constexpr std::string_view known[] = {
        "network", "bridge",     "ipv4-subnet", "ipv6-subnet", "ipv4-gw",
        "ipv6-gw", "ipv4-range", "ipv6-range",  "mtu",         "external-access"};
    if (In(known, key)) continue;
    bool clab_field = key == "driver" || key == "driver-opts" || key.rfind("macvlan", 0) == 0;
    errs.Add(Child(path, key),
             clab_field ? "containerlab field not supported by labctl" : "unknown field");
  }
  for (const auto& [key, field] : kMgmtStringFields) m.*field = String(v, key, path, errs);
  m.mtu = Int(v, "mtu", path, 68, 65535, errs);
  if (const json* ea = api::Find(v, "external-access");
      ea && api::ExpectBool(*ea, Child(path, "external-access"), errs))
    m.external_access = ea->get<bool>();
  return m;
}

void ParseTopologySection(const json& topo, FieldErrors& errs, RawTopology& raw) {
  const std::string path = "topology";
  if (!api::ExpectObject(topo, path, errs)) return;
  for (const auto& [key, value] : topo.items())
    if (key != "defaults" && key != "kinds" && key != "groups" && key != "nodes" && key != "links")
      errs.Add(Child(path, key), "unknown field");
  if (const json* d = api::Find(topo, "defaults"))
    raw.defaults = ParseNodeDefinition(*d, Child(path, "defaults"), false, errs);
  raw.kinds = ParseDefinitions(topo, "kinds", path, false, errs);
  raw.groups = ParseDefinitions(topo, "groups", path, false, errs);
  raw.nodes = ParseDefinitions(topo, "nodes", path, true, errs);
  const json* links = api::Find(topo, "links");
  if (links && api::ExpectArray(*links, Child(path, "links"), errs))
    for (size_t i = 0; i < links->size(); ++i)
      raw.links.push_back(ParseLink((*links)[i], api::At(Child(path, "links"), i), errs));
}

}  // namespace

api::Result<RawTopology> ParseRawTopology(const std::string& yaml_text) {
  auto docs = api::ParseYamlDocuments(yaml_text);
  if (!docs.ok()) return docs.status();
  if (docs->size() != 1)
    return api::Status::BadRequest(
        "a containerlab topology file holds exactly one YAML document, got " +
        std::to_string(docs->size()));
  const json& doc = docs->front();
  FieldErrors errs;
  RawTopology raw;
  if (!api::ExpectObject(doc, "(topology file)", errs))
    return api::Status::Invalid("invalid containerlab topology", errs.causes());
  for (const auto& [key, value] : doc.items()) {
    if (key == "name" || key == "prefix" || key == "mgmt" || key == "topology") continue;
    errs.Add(key, key == "settings" || key == "debug" ? "containerlab field not supported by labctl"
                                                      : "unknown field");
  }
  raw.name = String(doc, "name", "", errs, /*allow_number=*/true);
  raw.prefix = String(doc, "prefix", "", errs);
  if (const json* m = api::Find(doc, "mgmt")) raw.mgmt = ParseMgmt(*m, "mgmt", errs);
  if (const json* t = api::Find(doc, "topology"))
    ParseTopologySection(*t, errs, raw);
  else
    errs.Add("topology", "required");
  if (!errs.empty()) return api::Status::Invalid("invalid containerlab topology", errs.causes());
  return raw;
}

}  // namespace labctl::clab
