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

// Members read without trusting the answer's shape: a missing member, a non-object `j` or a
// member of another type reads as empty (never an exception, never const operator[] on a
// missing key).
const json& Member(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

const json& Object(const json& j, const char* key) {
  static const json kEmpty = json::object();
  const json& m = Member(j, key);
  return m.is_object() ? m : kEmpty;
}

std::string Str(const json& j, const char* key) {
  const json& m = Member(j, key);
  return m.is_string() ? m.get<std::string>() : "";
}

int Int(const json& j, const char* key) {
  const json& m = Member(j, key);
  return m.is_number_integer() ? m.get<int>() : 0;
}

std::string StripPrefix(const std::string& cidr) { return cidr.substr(0, cidr.find('/')); }

}  // namespace

json NetworkCreateBody(const NetworkSpec& spec) {
  json ipam_config = json::array();
  json v4 = {{"Subnet", spec.subnet}};
  if (!spec.gateway.empty()) v4["Gateway"] = spec.gateway;
  if (!spec.ipv4_range.empty()) v4["IPRange"] = spec.ipv4_range;
  if (!spec.subnet.empty()) ipam_config.push_back(v4);
  json v6 = {{"Subnet", spec.ipv6_subnet}};
  if (!spec.ipv6_gateway.empty()) v6["Gateway"] = spec.ipv6_gateway;
  if (!spec.ipv6_range.empty()) v6["IPRange"] = spec.ipv6_range;
  if (!spec.ipv6_subnet.empty()) ipam_config.push_back(v6);
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
  if (spec.unconfined_system_paths) {
    host["MaskedPaths"] = json::array();
    host["ReadonlyPaths"] = json::array();
  }
  if (spec.memory_bytes > 0) host["Memory"] = spec.memory_bytes;
  if (spec.nano_cpus > 0) host["NanoCpus"] = spec.nano_cpus;
  if (!spec.cpuset_cpus.empty()) host["CpusetCpus"] = spec.cpuset_cpus;
  if (!spec.restart_policy.empty()) host["RestartPolicy"] = {{"Name", spec.restart_policy}};
  json exposed = json::object();
  for (const auto& p : spec.ports) {
    const std::string port = std::to_string(p.container_port) + "/" + p.protocol;
    exposed[port] = json::object();
    host["PortBindings"][port].push_back({{"HostIp", p.host_ip}, {"HostPort", p.host_port}});
  }
  json body = {{"Image", spec.image},
               {"Env", env},
               {"Labels", MapToJson(spec.labels)},
               {"Tty", false},
               {"AttachStdout", false},
               {"AttachStderr", false},
               {"HostConfig", host}};
  if (!spec.cmd.empty()) body["Cmd"] = spec.cmd;
  if (!spec.entrypoint.empty()) body["Entrypoint"] = spec.entrypoint;
  if (!spec.user.empty()) body["User"] = spec.user;
  if (!exposed.empty()) body["ExposedPorts"] = exposed;
  if (!spec.network_mode.empty()) {
    body["HostConfig"]["NetworkMode"] = spec.network_mode;
  } else if (spec.network) {
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
  n.labels = StringMap(Member(j, "Labels"));
  const json& ipam_config = Member(Object(j, "IPAM"), "Config");
  if (ipam_config.is_array())
    for (const auto& c : ipam_config) n.subnets.push_back(Str(c, "Subnet"));
  for (const auto& [id, _] : Object(j, "Containers").items()) n.container_ids.push_back(id);
  return n;
}

ContainerSummary ParseContainerSummary(const json& j) {
  ContainerSummary c;
  c.id = Str(j, "Id");
  const json& names = Member(j, "Names");
  if (names.is_array() && !names.empty() && names[0].is_string()) {
    c.name = names[0].get<std::string>();
    if (!c.name.empty() && c.name[0] == '/') c.name.erase(0, 1);
  }
  c.state = Str(j, "State");
  c.labels = StringMap(Member(j, "Labels"));
  for (const auto& [network, _] : Object(Object(j, "NetworkSettings"), "Networks").items())
    c.networks.push_back(network);
  return c;
}

ContainerInfo ParseContainerInspect(const json& j) {
  ContainerInfo c;
  c.raw_json = j.dump();
  c.id = Str(j, "Id");
  c.name = Str(j, "Name");
  if (!c.name.empty() && c.name[0] == '/') c.name.erase(0, 1);
  const json& state = Object(j, "State");
  c.state = Str(state, "Status");
  c.running = Member(state, "Running") == true;
  c.pid = Int(state, "Pid");
  c.exit_code = Int(state, "ExitCode");
  c.started_at = Str(state, "StartedAt");
  c.error = Str(state, "Error");
  const json& config = Object(j, "Config");
  c.image = Str(config, "Image");
  c.labels = StringMap(Member(config, "Labels"));
  for (const auto& [network, endpoint] : Object(Object(j, "NetworkSettings"), "Networks").items()) {
    EndpointInfo e;
    e.network = network;
    e.ipv4 = Str(endpoint, "IPAddress");
    e.ipv6 = Str(endpoint, "GlobalIPv6Address");
    e.mac = Str(endpoint, "MacAddress");
    // Before start Docker reports no address yet: fall back to the requested static one.
    const json& ipam = Object(endpoint, "IPAMConfig");
    if (e.ipv4.empty()) e.ipv4 = StripPrefix(Str(ipam, "IPv4Address"));
    if (e.ipv6.empty()) e.ipv6 = StripPrefix(Str(ipam, "IPv6Address"));
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
  const json& actor = Object(j, "Actor");
  e.id = Str(actor, "ID");
  e.attributes = StringMap(Member(actor, "Attributes"));
  return e;
}

}  // namespace labctl::docker
