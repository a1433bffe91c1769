#include "api/openapi_schemas.h"

namespace labctl::api {

namespace {

using json = nlohmann::json;

json Str(const std::string& description = "") {
  json s = {{"type", "string"}};
  if (!description.empty()) s["description"] = description;
  return s;
}
json Enum(std::initializer_list<const char*> values, const std::string& description = "") {
  json s = Str(description);
  s["enum"] = json::array();
  for (const char* v : values) s["enum"].push_back(v);
  return s;
}
json Int(const std::string& description = "", int64_t minimum = -1) {
  json s = {{"type", "integer"}, {"format", "int64"}};
  if (minimum >= 0) s["minimum"] = minimum;
  if (!description.empty()) s["description"] = description;
  return s;
}
json Bool() { return {{"type", "boolean"}}; }
json ArrayOf(const json& items) { return {{"type", "array"}, {"items", items}}; }
json StringMapSchema() { return {{"type", "object"}, {"additionalProperties", Str()}}; }
json Obj(const json& properties, std::initializer_list<const char*> required = {}) {
  json s = {{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
  if (required.size()) {
    s["required"] = json::array();
    for (const char* r : required) s["required"].push_back(r);
  }
  return s;
}
json Time() { return {{"type", "string"}, {"format", "date-time"}}; }

// An object kind: apiVersion, kind, metadata, spec, status.
json KindSchema(const char* kind, const std::string& spec, const std::string& status) {
  return Obj({{"apiVersion", Enum({"labctl.dev/v1alpha1"})},
              {"kind", Enum({kind})},
              {"metadata", SchemaRef("ObjectMeta")},
              {"spec", SchemaRef(spec)},
              {"status", SchemaRef(status)}},
             {"apiVersion", "kind", "metadata"});
}

json ListSchema(const std::string& item) {
  return Obj({{"apiVersion", Str()},
              {"kind", Str()},
              {"metadata", Obj({{"resourceVersion", Str()}, {"continue", Str()}})},
              {"items", ArrayOf(SchemaRef(item))}},
             {"items"});
}

json ImpairmentSchema() {
  return Obj({{"delayMs", Int("added one-way delay", 0)},
              {"jitterMs", Int("delay variation", 0)},
              {"lossPercent", {{"type", "number"}, {"minimum", 0}, {"maximum", 100}}},
              {"rateKbit", Int("rate limit in kbit/s", 1)}});
}

json NodeSchema() {
  json iface = Obj({{"network", Str("a spec.networks name")},
                    {"ipv4", Str("address inside the network's subnet")},
                    {"ipv6", Str("address inside the network's ipv6Subnet")},
                    {"ifname", Str("interface name in the node; default eth<index>")},
                    {"impairment", SchemaRef("Impairment")}},
                   {"network"});
  return Obj({{"name", Str("DNS-1123 label, unique in the lab")},
              {"image", Str("required for provider docker")},
              {"group", Str()},
              {"interfaces", ArrayOf(iface)},
              {"nat", Obj({{"type", Enum({"cone", "symmetric", "full-cone"})},
                           {"inside", Str()},
                           {"outside", Str()}},
                          {"type", "inside", "outside"})},
              {"command", ArrayOf(Str())},
              {"env", StringMapSchema()},
              {"capAdd", ArrayOf(Str())},
              {"sysctls", StringMapSchema()},
              {"privileged", Bool()},
              {"binds", ArrayOf(Str("host:container[:ro|rw]"))},
              {"defaultGateway", Str("a node sharing a network with this one")},
              {"routes", ArrayOf(Obj({{"to", Str("CIDR")}, {"via", Str("IP")}}, {"to", "via"}))},
              {"readiness", Obj({{"exec", ArrayOf(Str())},
                                 {"periodSeconds", Int("default 1", 1)},
                                 {"timeoutSeconds", Int("default 60", 1)}},
                                {"exec"})},
              {"dependsOn", ArrayOf(Str())}},
             {"name"});
}

json LabSpecSchema() {
  return Obj(
      {{"provider", Enum({"docker", "netlab", "containerlab"}, "default docker")},
       {"runPolicy", Enum({"OnDemand", "Always"}, "default OnDemand")},
       {"idleTimeoutSeconds", Int("default 0", 0)},
       {"skipGroups", ArrayOf(Str())},
       {"networks",
        ArrayOf(
            Obj({{"name", Str()}, {"subnet", Str("IPv4 CIDR")}, {"ipv6Subnet", Str("IPv6 CIDR")}},
                {"name"}))},
       {"nodes", ArrayOf(SchemaRef("LabNode"))},
       {"links", ArrayOf(Obj({{"endpoints", ArrayOf(Str("node:ifname"))},
                              {"ipv4", ArrayOf(Str("address/prefix"))},
                              {"ipv6", ArrayOf(Str("address/prefix"))},
                              {"impairment", SchemaRef("Impairment")}},
                             {"endpoints"}))},
       {"netlab", Obj({{"topology", Str("a netlab topology file")},
                       {"files", StringMapSchema()},
                       {"images", StringMapSchema()}},
                      {"topology"})},
       {"containerlab",
        Obj({{"topology", Str("a containerlab topology file")}, {"files", StringMapSchema()}},
            {"topology"})},
       {"hostSelector", StringMapSchema()},
       {"warmPool", Obj({{"size", Int("spare copies kept Ready, 0..20", 0)}}, {"size"})},
       {"onHostLost", Enum({"Fail", "Reschedule"}, "default Fail")}});
}

json LabStatusSchema() {
  json node = {{"type", "object"},
               {"properties",
                {{"name", Str()},
                 {"containerID", Str()},
                 {"state", Str()},
                 {"ready", Bool()},
                 {"addresses", StringMapSchema()},
                 {"message", Str()}}}};
  return {{"type", "object"},
          {"properties",
           {{"observedGeneration", Int()},
            {"phase", Enum({"Pending", "Provisioning", "Ready", "Degraded", "Stopped",
                            "Terminating", "Failed"})},
            {"host", Str()},
            {"specHash", Str()},
            {"heldBy", Str()},
            {"warmPool",
             Obj({{"size", Int()}, {"ready", Int()}, {"starting", Int()}, {"inUse", Int()}})},
            {"nodes", ArrayOf(node)},
            {"conditions", ArrayOf(SchemaRef("Condition"))}}}};
}

json SessionSpecSchema() {
  return Obj({{"lab", Str("the Lab to hold while Active")},
              {"holder", Str("free text, at most 256 characters")},
              {"heartbeatTimeoutSeconds", Int("default 300, 1..86400", 1)},
              {"queueTimeoutSeconds", Int("default 600", 1)},
              {"ttlSecondsAfterFinished", Int("default 3600", 0)}});
}

json SessionStatusSchema() {
  return {{"type", "object"},
          {"properties",
           {{"observedGeneration", Int()},
            {"phase", Enum({"Waiting", "Active", "Released", "Expired", "Cancelled", "Failed"})},
            {"position", Int("0 when Active; 1 = next in line", 0)},
            {"lab", Str("while Active: the Lab held (spec.lab or a spare of its warm pool)")},
            {"owner", Str()},
            {"lastHeartbeatTime", Time()},
            {"activeSince", Time()},
            {"finishedAt", Time()},
            {"reason", Str()},
            {"conditions", ArrayOf(SchemaRef("Condition"))}}}};
}

json HostSpecSchema() {
  return Obj(
      {{"endpoint", Str("unix:///path or tcp://host:port")},
       {"tls",
        Obj({{"ca", Str("file path")}, {"cert", Str("file path")}, {"key", Str("file path")}},
            {"ca", "cert", "key"})},
       {"capacity",
        Obj({{"labs", Int("no limit when absent", 1)}, {"nodes", Int("no limit when absent", 1)}})},
       {"unschedulable", Bool()}},
      {"endpoint"});
}

json HostStatusSchema() {
  return {{"type", "object"},
          {"properties",
           {{"engineVersion", Str()},
            {"apiVersion", Str()},
            {"capabilities", StringMapSchema()},
            {"allocated", Obj({{"labs", Int()}, {"nodes", Int()}})},
            {"labs", ArrayOf(Str())},
            {"conditions", ArrayOf(SchemaRef("Condition"))}}}};
}

}  // namespace

json SchemaRef(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json OpenApiSchemas() {
  json s;
  s["ObjectMeta"] = Obj({{"name", Str("DNS-1123 label")},
                         {"generateName", Str("prefix; the server appends a random suffix")},
                         {"uid", Str()},
                         {"resourceVersion", Str("opaque")},
                         {"generation", Int()},
                         {"creationTimestamp", Time()},
                         {"deletionTimestamp", Time()},
                         {"labels", StringMapSchema()},
                         {"annotations", StringMapSchema()},
                         {"finalizers", ArrayOf(Str())}});
  s["Condition"] = Obj({{"type", Str()},
                        {"status", Enum({"True", "False", "Unknown"})},
                        {"reason", Str()},
                        {"message", Str()},
                        {"lastTransitionTime", Time()},
                        {"observedGeneration", Int()}},
                       {"type", "status"});
  s["Status"] = {
      {"type", "object"},
      {"properties",
       {{"kind", Enum({"Status"})},
        {"apiVersion", Str()},
        {"status", Enum({"Success", "Failure"})},
        {"code", Int()},
        {"reason", Str()},
        {"message", Str()},
        {"details",
         {{"type", "object"},
          {"properties", {{"causes", ArrayOf(Obj({{"field", Str()}, {"message", Str()}}))}}}}}}}};
  s["Impairment"] = ImpairmentSchema();
  s["LabNode"] = NodeSchema();
  s["LabSpec"] = LabSpecSchema();
  s["LabStatus"] = LabStatusSchema();
  s["Lab"] = KindSchema("Lab", "LabSpec", "LabStatus");
  s["SessionSpec"] = SessionSpecSchema();
  s["SessionStatus"] = SessionStatusSchema();
  s["Session"] = KindSchema("Session", "SessionSpec", "SessionStatus");
  s["HostSpec"] = HostSpecSchema();
  s["HostStatus"] = HostStatusSchema();
  s["Host"] = KindSchema("Host", "HostSpec", "HostStatus");
  s["Event"] = {{"type", "object"},
                {"properties",
                 {{"apiVersion", Str()},
                  {"kind", Enum({"Event"})},
                  {"metadata", SchemaRef("ObjectMeta")},
                  {"involvedObject",
                   {{"type", "object"},
                    {"properties",
                     {{"kind", Str()}, {"name", Str()}, {"uid", Str()}, {"apiVersion", Str()}}}}},
                  {"type", Enum({"Normal", "Warning"})},
                  {"reason", Str()},
                  {"message", Str()},
                  {"count", Int("", 1)},
                  {"firstTimestamp", Time()},
                  {"lastTimestamp", Time()}}},
                {"required", {"involvedObject", "type"}}};
  s["LabList"] = ListSchema("Lab");
  s["SessionList"] = ListSchema("Session");
  s["EventList"] = ListSchema("Event");
  s["HostList"] = ListSchema("Host");
  s["WatchEvent"] =
      Obj({{"type", Enum({"ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"})},
           {"object", {{"type", "object"}, {"description", "the object, or a Status for ERROR"}}}},
          {"type", "object"});
  return s;
}

}  // namespace labctl::api
