#include "drivers/docker/engine_json.h"

#include "drivers/docker/naming.h"

namespace labctl::docker {
namespace {

LabelMap StringMap(const json& j) {
  LabelMap m;
  if (!j.is_object()) return m;
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.value().is_string()) m[it.key()] = it.value().get<std::string>();
  return m;
}

json MapToJson(const LabelMap& m) {
  json j = json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string StripPrefix(const std::string& cidr) { return cidr.substr(0, cidr.find('/')); }

}  // namespace

json NetworkCreateBody(const NetworkSpec& spec) {
  json ipam_config = json::array();
  json v4 = {{"Subnet", spec.subnet}};
  if (!spec.gateway.empty()) v4["Gateway"] = spec.gateway;
  if (!spec.subnet.empty()) ipam_config.push_back(v4);
  if (!spec.ipv6_subnet.empty()) ipam_config.push_back({{"Subnet", spec.ipv6_subnet}});
  return {{"Name", spec.name},
          {"Driver", "bridge"},
          {"CheckDuplicate", true},
          {"EnableIPv6", !spec.ipv6_subnet.empty()},
          {"IPAM", {{"Driver", "default"}, {"Config", ipam_config}}},
          {"Options", MapToJson(spec.options)},
          {"Labels", MapToJson(spec.labels)}};
}

json EndpointConfig(const EndpointSpec& endpoint) {
  json ipam = json::object();
  if (!endpoint.ipv4.empty()) ipam["IPv4Address"] = endpoint.ipv4;
  if (!endpoint.ipv6.empty()) ipam["IPv6Address"] = endpoint.ipv6;
  json config = json::object();
  if (!ipam.empty()) config["IPAMConfig"] = ipam;
  return config;
}

json ContainerCreateBody(const ContainerSpec& spec) {
  json env = json::array();
  for (const auto& [k, v] : spec.env) env.push_back(k + "=" + v);
  json host = {{"CapAdd", spec.cap_add},
               {"Sysctls", MapToJson(spec.sysctls)},
               {"Privileged", spec.privileged},
               {"Binds", spec.binds},
               {"Init", false}};
  json body = {{"Image", spec.image},
               {"Env", env},
               {"Labels", MapToJson(spec.labels)},
               {"Tty", false},
               {"AttachStdout", false},
               {"AttachStderr", false},
               {"HostConfig", host}};
  if (!spec.cmd.empty()) body["Cmd"] = spec.cmd;
  if (spec.network) {
    body["HostConfig"]["NetworkMode"] = spec.network->network;
    body["NetworkingConfig"] = {
        {"EndpointsConfig", {{spec.network->network, EndpointConfig(*spec.network)}}}};
  } else {
    body["HostConfig"]["NetworkMode"] = "none";
  }
  return body;
}

std::string LabelFilters(const LabelMap& labels, const std::vector<std::string>& types) {
  json label = json::array();
  for (const auto& [k, v] : labels) label.push_back(v.empty() ? k : k + "=" + v);
  json filters = json::object();
  if (!label.empty()) filters["label"] = label;
  if (!types.empty()) filters["type"] = types;
  return filters.dump();
}

NetworkInfo ParseNetwork(const json& j) {
  NetworkInfo n;
  n.id = Str(j, "Id");
  n.name = Str(j, "Name");
  n.labels = StringMap(j.value("Labels", json::object()));
  if (j.contains("IPAM") && j["IPAM"].is_object() && j["IPAM"]["Config"].is_array())
    for (const auto& c : j["IPAM"]["Config"]) n.subnets.push_back(Str(c, "Subnet"));
  if (j.contains("Containers") && j["Containers"].is_object())
    for (auto it = j["Containers"].begin(); it != j["Containers"].end(); ++it)
      n.container_ids.push_back(it.key());
  return n;
}

ContainerSummary ParseContainerSummary(const json& j) {
  ContainerSummary c;
  c.id = Str(j, "Id");
  if (j.contains("Names") && j["Names"].is_array() && !j["Names"].empty()) {
    c.name = j["Names"][0].get<std::string>();
    if (!c.name.empty() && c.name[0] == '/') c.name.erase(0, 1);
  }
  c.state = Str(j, "State");
  c.labels = StringMap(j.value("Labels", json::object()));
  const json settings = j.value("NetworkSettings", json::object());
  if (settings.is_object() && settings.contains("Networks") && settings["Networks"].is_object())
    for (auto it = settings["Networks"].begin(); it != settings["Networks"].end(); ++it)
      c.networks.push_back(it.key());
  return c;
}

ContainerInfo ParseContainerInspect(const json& j) {
  ContainerInfo c;
  c.raw_json = j.dump();
  c.id = Str(j, "Id");
  c.name = Str(j, "Name");
  if (!c.name.empty() && c.name[0] == '/') c.name.erase(0, 1);
  const json& state = j.value("State", json::object());
  c.state = Str(state, "Status");
  c.running = state.value("Running", false);
  c.pid = state.value("Pid", 0);
  c.exit_code = state.value("ExitCode", 0);
  c.started_at = Str(state, "StartedAt");
  c.error = Str(state, "Error");
  const json& config = j.value("Config", json::object());
  c.image = Str(config, "Image");
  c.labels = StringMap(config.value("Labels", json::object()));
  const json& nets = j.value("NetworkSettings", json::object()).value("Networks", json::object());
  for (auto it = nets.begin(); it != nets.end(); ++it) {
    EndpointInfo e;
    e.network = it.key();
    e.ipv4 = Str(it.value(), "IPAddress");
    e.ipv6 = Str(it.value(), "GlobalIPv6Address");
    e.mac = Str(it.value(), "MacAddress");
    // Before start Docker reports no address yet: fall back to the requested static one.
    const json& ipam = it.value().value("IPAMConfig", json::object());
    if (e.ipv4.empty() && ipam.is_object()) e.ipv4 = StripPrefix(Str(ipam, "IPv4Address"));
    if (e.ipv6.empty() && ipam.is_object()) e.ipv6 = StripPrefix(Str(ipam, "IPv6Address"));
    c.endpoints.push_back(e);
  }
  return c;
}

json ExecCreateBody(const std::vector<std::string>& cmd, bool attach_stdin) {
  return {{"AttachStdin", attach_stdin}, {"AttachStdout", true},
          {"AttachStderr", true},        {"Tty", false},
          {"Env", {kExecMarkerEnv}},     {"Cmd", cmd}};
}

Status ErrorStatus(int http_status, const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  std::string m = body;
  if (j.is_object() && j.contains("message") && j["message"].is_string())
    m = j["message"].get<std::string>();
  switch (http_status) {
    case 400:
      return Status::BadRequest(m);
    case 403:
      return Status::Forbidden(m);
    case 404:
      return Status::NotFound(m);
    case 409:
      return Status::Conflict(m);
    default:
      return Status::Internal("docker: " + m);
  }
}

EngineEvent ParseEvent(const json& j) {
  EngineEvent e;
  e.type = Str(j, "Type");
  e.action = Str(j, "Action");
  const json& actor = j.value("Actor", json::object());
  e.id = Str(actor, "ID");
  e.attributes = StringMap(actor.value("Attributes", json::object()));
  return e;
}

}  // namespace labctl::docker
