#include "api/openapi.h"

#include <map>

#include "api/object.h"
#include "api/openapi_schemas.h"

namespace labctl::api {

namespace {

json QueryParam(const char* name, const char* type, const char* description) {
  return {{"name", name},
          {"in", "query"},
          {"required", false},
          {"description", description},
          {"schema", {{"type", type}}}};
}

json NameParam() {
  return {{"name", "name"},
          {"in", "path"},
          {"required", true},
          {"description", "object name (DNS-1123 label)"},
          {"schema", {{"type", "string"}}}};
}

json JsonContent(const json& schema) { return {{"application/json", {{"schema", schema}}}}; }

json Response(const char* description, const json& schema) {
  return {{"description", description}, {"content", JsonContent(schema)}};
}

// Status-object error responses for the given HTTP codes.
json WithErrors(json responses, std::initializer_list<const char*> codes) {
  static const std::map<std::string, const char*> text = {
      {"400", "malformed request (JSON/YAML syntax with line and column, bad query)"},
      {"401", "missing or unknown bearer token"},
      {"403", "not allowed for this user"},
      {"404", "not found"},
      {"409", "AlreadyExists, or Conflict on a stale resourceVersion"},
      {"410", "resourceVersion older than the compacted history"},
      {"413", "request body too large"},
      {"422", "invalid object; details.causes name the fields"}};
  for (const char* code : codes) responses[code] = Response(text.at(code), SchemaRef("Status"));
  return responses;
}

json ListOperation(const std::string& plural, const std::string& kind) {
  json params = json::array(
      {QueryParam("labelSelector", "string", "k=v, k!=v, k in (a,b), k notin (a,b), k, !k"),
       QueryParam("limit", "integer", "at most this many items"),
       QueryParam("watch", "boolean", "stream changes as newline-delimited WatchEvents"),
       QueryParam("resourceVersion", "string",
                  "watch: only changes after this version (else ADDED for every object first)"),
       QueryParam("allowWatchBookmarks", "boolean", "watch: send BOOKMARK events (~every 60 s)"),
       QueryParam("timeoutSeconds", "integer", "watch: end the stream after this long")});
  json ok = Response((kind + "List, or a watch stream").c_str(), SchemaRef(kind + "List"));
  ok["content"]["application/x-ndjson"] = {{"schema", SchemaRef("WatchEvent")}};
  return {{"summary", "List or watch " + plural},
          {"operationId", "list" + kind},
          {"tags", {kind}},
          {"parameters", params},
          {"responses", WithErrors({{"200", ok}}, {"400", "401", "410"})}};
}

json CreateOperation(const std::string& kind) {
  return {{"summary", "Create a " + kind + " (metadata.generateName supported)"},
          {"operationId", "create" + kind},
          {"tags", {kind}},
          {"requestBody",
           {{"required", true},
            {"content",
             {{"application/json", {{"schema", SchemaRef(kind)}}},
              {"application/yaml", {{"schema", SchemaRef(kind)}}}}}}},
          {"responses", WithErrors({{"201", Response("created", SchemaRef(kind))}},
                                   {"400", "401", "403", "409", "413", "422"})}};
}

json ObjectOperations(const std::string& kind, bool writable) {
  json ops;
  ops["parameters"] = json::array({NameParam()});
  ops["get"] = {{"summary", "Read a " + kind},
                {"operationId", "read" + kind},
                {"tags", {kind}},
                {"responses",
                 WithErrors({{"200", Response("the object", SchemaRef(kind))}}, {"401", "404"})}};
  ops["delete"] = {
      {"summary", "Delete a " + kind + " (with finalizers: sets deletionTimestamp first)"},
      {"operationId", "delete" + kind},
      {"tags", {kind}},
      {"responses",
       WithErrors({{"200", Response("deleted, or marked for deletion", SchemaRef(kind))}},
                  {"401", "403", "404", "409"})}};
  if (!writable) return ops;
  ops["put"] = {{"summary", "Replace a " + kind + " (status is ignored)"},
                {"operationId", "replace" + kind},
                {"tags", {kind}},
                {"requestBody", {{"required", true}, {"content", JsonContent(SchemaRef(kind))}}},
                {"responses", WithErrors({{"200", Response("replaced", SchemaRef(kind))}},
                                         {"400", "401", "403", "404", "409", "413", "422"})}};
  ops["patch"] = {
      {"summary", "Patch a " + kind + " with a JSON merge patch (RFC 7386)"},
      {"operationId", "patch" + kind},
      {"tags", {kind}},
      {"requestBody",
       {{"required", true},
        {"content", {{"application/merge-patch+json", {{"schema", {{"type", "object"}}}}}}}}},
      {"responses", WithErrors({{"200", Response("patched", SchemaRef(kind))}},
                               {"400", "401", "403", "404", "409", "413", "422"})}};
  return ops;
}

json StatusOperations(const std::string& kind) {
  return {{"parameters", json::array({NameParam()})},
          {"put",
           {{"summary", "Replace the status of a " + kind + " (reconcilers only)"},
            {"operationId", "replace" + kind + "Status"},
            {"tags", {kind}},
            {"requestBody", {{"required", true}, {"content", JsonContent(SchemaRef(kind))}}},
            {"responses", WithErrors({{"200", Response("updated", SchemaRef(kind))}},
                                     {"400", "401", "403", "404", "409", "422"})}}}};
}

json Action(const std::string& summary, const std::string& id, const std::string& tag,
            const json& responses) {
  return {{"summary", summary}, {"operationId", id}, {"tags", {tag}}, {"responses", responses}};
}

// Server endpoints answer without a token.
json PublicAction(const std::string& summary, const std::string& id, const json& responses) {
  json op = Action(summary, id, "Server", responses);
  op["security"] = json::array();
  return op;
}

void AddLabActions(json& paths, const std::string& base) {
  json exec_body = {{"type", "object"},
                    {"required", {"node", "command"}},
                    {"properties",
                     {{"node", {{"type", "string"}}},
                      {"command", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                      {"stdin",
                       {{"description",
                         "the text for the command's stdin; with ?stream=true a boolean: "
                         "attach stdin, fed by .../exec/{execId}/stdin"}}}}}};
  json exec_result = {{"type", "object"},
                      {"properties",
                       {{"exitCode", {{"type", "integer"}}},
                        {"stdout", {{"type", "string"}}},
                        {"stderr", {{"type", "string"}}}}}};
  json exec = Action("Run a command in a lab node", "execLab", "Lab",
                     WithErrors({{"200", Response("the command's result", exec_result)}},
                                {"400", "401", "403", "404"}));
  exec["requestBody"] = {{"required", true}, {"content", JsonContent(exec_body)}};
  paths[base + "/exec"] = {{"parameters", json::array({NameParam()})}, {"post", exec}};

  json stdin = Action("Stdin of a streamed exec (chunked; stream-0 frames, the end is EOF)",
                      "execLabStdin", "Lab",
                      WithErrors({{"204", {{"description", "the body reached the command"}}}},
                                 {"401", "403", "404", "409"}));
  stdin["requestBody"] = {{"required", true},
                          {"content",
                           {{"application/vnd.labctl.exec-stream",
                             {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
  json exec_id = {{"name", "execId"},
                  {"in", "path"},
                  {"required", true},
                  {"description", "from the first frame of the exec stream"},
                  {"schema", {{"type", "string"}}}};
  paths[base + "/exec/{execId}/stdin"] = {{"parameters", json::array({NameParam(), exec_id})},
                                          {"post", stdin}};

  json logs =
      Action("A lab node's container logs", "logsLab", "Lab",
             WithErrors({{"200",
                          {{"description", "log text"},
                           {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}}}},
                        {"400", "401", "404"}));
  logs["parameters"] = json::array({QueryParam("node", "string", "node name (required)")});
  paths[base + "/logs"] = {{"parameters", json::array({NameParam()})}, {"get", logs}};

  json capture =
      Action("Stream a packet capture (pcap) from a lab node's namespace", "captureLab", "Lab",
             WithErrors({{"200",
                          {{"description", "pcap stream"},
                           {"content",
                            {{"application/vnd.tcpdump.pcap",
                              {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}}}},
                        {"400", "401", "403", "404"}));
  capture["parameters"] =
      json::array({QueryParam("node", "string", "node name (required)"),
                   QueryParam("iface", "string", "interface (default: eth0; any: all)"),
                   QueryParam("filter", "string", "BPF filter"),
                   QueryParam("seconds", "integer", "stop after this many seconds (default 10)"),
                   QueryParam("count", "integer", "stop after this many packets")});
  paths[base + "/capture"] = {{"parameters", json::array({NameParam()})}, {"get", capture}};

  json inspect =
      Action("A lab node's container and network state", "inspectLab", "Lab",
             WithErrors({{"200", Response("container and network state", {{"type", "object"}})}},
                        {"400", "401", "404"}));
  inspect["parameters"] = json::array({QueryParam("node", "string", "node name (required)")});
  paths[base + "/inspect"] = {{"parameters", json::array({NameParam()})}, {"get", inspect}};

  json reset = Action(
      "Return every node's network state to the baseline (rules, conntrack, exec'd processes)",
      "resetLab", "Lab",
      WithErrors({{"200", Response("per-node result", {{"type", "object"}})}},
                 {"401", "403", "404"}));
  paths[base + "/reset"] = {{"parameters", json::array({NameParam()})}, {"post", reset}};

  json graph =
      Action("The lab's topology drawn from its spec: SVG laid out by Graphviz, DOT or Mermaid",
             "graphLab", "Lab",
             WithErrors({{"200",
                          {{"description", "the picture"},
                           {"content",
                            {{"image/svg+xml", {{"schema", {{"type", "string"}}}}},
                             {"text/vnd.graphviz", {{"schema", {{"type", "string"}}}}},
                             {"text/plain", {{"schema", {{"type", "string"}}}}}}}}}},
                        {"400", "401", "404"}));
  graph["parameters"] =
      json::array({QueryParam("format", "string", "svg (default), dot or mermaid")});
  paths[base + "/graph"] = {{"parameters", json::array({NameParam()})}, {"get", graph}};
}

void AddSessionActions(json& paths, const std::string& base) {
  for (const char* action : {"heartbeat", "release"}) {
    std::string a = action;
    json op = Action(a == "heartbeat" ? "Renew an Active session's heartbeat"
                                      : "Release a session (and the lab it holds)",
                     a + "Session", "Session",
                     WithErrors({{"200", Response("the session", SchemaRef("Session"))}},
                                {"401", "403", "404", "409"}));
    paths[base + "/" + a] = {{"parameters", json::array({NameParam()})}, {"post", op}};
  }
}

// Who the token belongs to, so the dashboard offers write buttons only to callers who may write.
void AddWhoAmI(json& paths, const std::string& prefix) {
  json who = {{"type", "object"},
              {"properties",
               {{"user", {{"type", "string"}}},
                {"groups", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                {"admin", {{"type", "boolean"}}},
                {"canWrite", {{"type", "boolean"}}}}}};
  paths[prefix + "/whoami"]["get"] =
      Action("The caller: user, groups and whether it may write", "whoAmI", "Server",
             WithErrors({{"200", Response("the caller", who)}}, {"401"}));
}

void AddServerPaths(json& paths) {
  json text = {{"text/plain", {{"schema", {{"type", "string"}}}}}};
  paths["/healthz"]["get"] =
      PublicAction("Liveness", "healthz", {{"200", {{"description", "ok"}, {"content", text}}}});
  paths["/readyz"]["get"] = PublicAction("Readiness (store open, controllers started)", "readyz",
                                         {{"200", {{"description", "ready"}, {"content", text}}},
                                          {"503", Response("not ready", SchemaRef("Status"))}});
  paths["/version"]["get"] =
      PublicAction("Server version", "version",
                   {{"200", Response("version", {{"type", "object"},
                                                 {"properties",
                                                  {{"version", {{"type", "string"}}},
                                                   {"apiVersion", {{"type", "string"}}}}}})}});
  paths["/metrics"]["get"] = PublicAction(
      "Prometheus metrics", "metrics", {{"200", {{"description", "metrics"}, {"content", text}}}});
  paths["/openapi.json"]["get"] =
      PublicAction("This document", "openapi",
                   {{"200", Response("OpenAPI 3.0 document", {{"type", "object"}})}});
}

}  // namespace

json OpenApiDocument() {
  json paths = json::object();
  const std::string prefix = kApiPrefix;
  for (Kind kind : {Kind::kLab, Kind::kSession, Kind::kEvent, Kind::kHost}) {
    std::string plural = Plural(kind), name = KindName(kind);
    std::string collection = prefix + "/" + plural, object = collection + "/{name}";
    bool writable = kind != Kind::kEvent;
    paths[collection]["get"] = ListOperation(plural, name);
    if (writable) {
      paths[collection]["post"] = CreateOperation(name);
      paths[object + "/status"] = StatusOperations(name);
    }
    paths[object] = ObjectOperations(name, writable);
  }
  AddSessionActions(paths, prefix + "/sessions/{name}");
  AddLabActions(paths, prefix + "/labs/{name}");
  AddWhoAmI(paths, prefix);
  AddServerPaths(paths);
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "labctl API"},
            {"version", kVersion},
            {"description",
             "Kubernetes-style API of labd: Labs, Sessions, Events and Hosts under "
             "labctl.dev/v1alpha1."}}},
          {"servers", json::array({{{"url", "http://127.0.0.1:7450"}}})},
          {"components",
           {{"schemas", OpenApiSchemas()},
            {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
          {"security", json::array({{{"bearer", json::array()}}})},
          {"paths", paths}};
}

}  // namespace labctl::api
