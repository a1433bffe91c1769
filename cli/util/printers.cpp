#include "cli/util/printers.h"

#include <algorithm>

#include "api/warm_pool.h"
#include "api/yaml.h"
#include "cli/util/duration.h"

namespace labctl::cli {

using json = nlohmann::json;

namespace {

std::string Str(const json& o, const json::json_pointer& p,
                const std::string& fallback = "<none>") {
  if (!o.contains(p)) return fallback;
  const json& v = o.at(p);
  if (v.is_null()) return fallback;
  if (v.is_string()) return v.get<std::string>().empty() ? fallback : v.get<std::string>();
  return v.dump();
}

std::string KindLowerName(api::Kind kind) {
  std::string k = api::KindName(kind);
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  return k;
}

std::string CreationAge(const json& o, api::TimePoint now) {
  return Age(Str(o, "/metadata/creationTimestamp"_json_pointer, ""), now);
}

// A template's warm pool as "<ready>/<size>", "-" without one.
std::string WarmPoolSummary(const json& o) {
  if (api::WarmPoolSize(o) == 0) return "-";
  return Str(o, "/status/warmPool/ready"_json_pointer, "0") + "/" +
         std::to_string(api::WarmPoolSize(o));
}

std::vector<std::string> LabRow(const json& o, bool wide, api::TimePoint now) {
  std::vector<std::string> row = {api::Name(o),
                                  Str(o, "/spec/provider"_json_pointer, "docker"),
                                  Str(o, "/status/phase"_json_pointer, "Pending"),
                                  LabReadyCount(o),
                                  Str(o, "/status/heldBy"_json_pointer),
                                  CreationAge(o, now)};
  if (wide) {
    std::string hash = Str(o, "/status/specHash"_json_pointer);
    if (hash != "<none>") hash = hash.substr(0, 8);
    row.push_back(Str(o, "/spec/runPolicy"_json_pointer, "OnDemand"));
    row.push_back(hash);
    row.push_back(std::to_string(LabNodeCount(o, {})));
    row.push_back(Str(o, "/status/host"_json_pointer));
    row.push_back(WarmPoolSummary(o));
  }
  return row;
}

// "used/capacity" (capacity "-" when unlimited).
std::string Allocation(const json& o, const char* key) {
  const std::string used = Str(o, json::json_pointer(std::string("/status/allocated/") + key), "0");
  return used + "/" + Str(o, json::json_pointer(std::string("/spec/capacity/") + key), "-");
}

std::vector<std::string> HostRow(const json& o, bool wide, api::TimePoint now) {
  const json* ready = api::FindCondition(o, "Ready");
  std::vector<std::string> row = {api::Name(o),
                                  ready ? ready->value("status", "Unknown") : "Unknown",
                                  Str(o, "/spec/endpoint"_json_pointer),
                                  Allocation(o, "labs"),
                                  Allocation(o, "nodes"),
                                  Str(o, "/status/engineVersion"_json_pointer),
                                  CreationAge(o, now)};
  if (wide) {
    const bool cordoned = o.contains("spec") && o["spec"].is_object() &&
                          o["spec"].value("unschedulable", false) == true;
    row.push_back(cordoned ? "Unschedulable" : "Schedulable");
    std::string labs;
    for (const auto& lab : ArrayAt(o, "/status/labs"_json_pointer))
      if (lab.is_string()) labs += (labs.empty() ? "" : ",") + lab.get<std::string>();
    row.push_back(labs.empty() ? "<none>" : labs);
  }
  return row;
}

std::vector<std::string> SessionRow(const json& o, api::TimePoint now) {
  return {api::Name(o),
          Str(o, "/status/phase"_json_pointer, "Pending"),
          Str(o, "/status/position"_json_pointer, "-"),
          api::SessionLab(o).empty() ? "<none>" : api::SessionLab(o),
          Str(o, "/spec/holder"_json_pointer),
          Str(o, "/status/owner"_json_pointer),
          CreationAge(o, now)};
}

std::vector<std::string> EventRow(const json& o, api::TimePoint now) {
  std::string last = Str(o, "/lastTimestamp"_json_pointer, "");
  if (last.empty()) last = Str(o, "/firstTimestamp"_json_pointer, "");
  if (last.empty()) last = Str(o, "/metadata/creationTimestamp"_json_pointer, "");
  std::string kind = Str(o, "/involvedObject/kind"_json_pointer, "");
  std::transform(kind.begin(), kind.end(), kind.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string object = kind + "/" + Str(o, "/involvedObject/name"_json_pointer, "");
  return {Age(last, now), Str(o, "/type"_json_pointer, "Normal"),
          Str(o, "/reason"_json_pointer, ""), object, Str(o, "/message"_json_pointer, "")};
}

json ListOf(const std::vector<json>& items) {
  json list = {{"apiVersion", "v1"},
               {"kind", "List"},
               {"items", items},
               {"metadata", {{"resourceVersion", ""}}}};
  return list;
}

}  // namespace

api::Result<OutputFormat> ParseOutputFormat(const std::string& text) {
  OutputFormat f;
  if (text.empty()) return f;
  if (text == "wide")
    f.type = OutputFormat::Type::kWide;
  else if (text == "yaml")
    f.type = OutputFormat::Type::kYaml;
  else if (text == "json")
    f.type = OutputFormat::Type::kJson;
  else if (text == "name")
    f.type = OutputFormat::Type::kName;
  else if (text.rfind("jsonpath=", 0) == 0) {
    std::string tmpl = text.substr(9);
    if (tmpl.size() >= 2 && (tmpl.front() == '\'' || tmpl.front() == '"') &&
        tmpl.back() == tmpl.front())
      tmpl = tmpl.substr(1, tmpl.size() - 2);
    auto jp = JsonPath::Parse(tmpl);
    if (!jp.ok()) return jp.status();
    f.type = OutputFormat::Type::kJsonPath;
    f.jsonpath = std::make_shared<JsonPath>(std::move(*jp));
  } else {
    return api::Status::BadRequest("unknown output format \"" + text +
                                   "\" (use wide, yaml, json, name or jsonpath=...)");
  }
  return f;
}

const json& ArrayAt(const json& o, const json::json_pointer& at) {
  static const json kEmpty = json::array();
  return o.contains(at) && o.at(at).is_array() ? o.at(at) : kEmpty;
}

const json& LabNodes(const json& lab) {
  const json& declared = ArrayAt(lab, "/spec/nodes"_json_pointer);
  return declared.empty() ? ArrayAt(lab, "/status/nodes"_json_pointer) : declared;
}

size_t LabNodeCount(const json& lab, const std::vector<std::string>& skip_groups) {
  size_t total = 0;
  for (const auto& n : LabNodes(lab)) {
    std::string group = n.is_object() ? n.value("group", "") : "";
    if (group.empty() ||
        std::find(skip_groups.begin(), skip_groups.end(), group) == skip_groups.end())
      ++total;
  }
  return total;
}

std::string LabReadyCount(const json& lab) {
  std::vector<std::string> skip;
  for (const auto& g : ArrayAt(lab, "/spec/skipGroups"_json_pointer))
    if (g.is_string()) skip.push_back(g);
  size_t ready = 0;
  for (const auto& n : ArrayAt(lab, "/status/nodes"_json_pointer))
    if (n.is_object() && n.value("ready", false)) ++ready;
  return std::to_string(ready) + "/" + std::to_string(LabNodeCount(lab, skip));
}

Table NewTable(api::Kind kind, bool wide) {
  switch (kind) {
    case api::Kind::kLab: {
      std::vector<std::string> h = {"NAME", "PROVIDER", "PHASE", "READY", "HELD-BY", "AGE"};
      if (wide) h.insert(h.end(), {"RUNPOLICY", "SPECHASH", "NODES", "HOST", "WARM"});
      return Table(h);
    }
    case api::Kind::kSession:
      return Table({"NAME", "PHASE", "POSITION", "LAB", "HOLDER", "OWNER", "AGE"});
    case api::Kind::kEvent:
      return Table({"LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"});
    case api::Kind::kHost: {
      std::vector<std::string> h = {"NAME", "READY", "ENDPOINT", "LABS", "NODES", "VERSION", "AGE"};
      if (wide) h.insert(h.end(), {"SCHEDULING", "LAB-NAMES"});
      return Table(h);
    }
  }
  return Table({"NAME"});
}

std::vector<std::string> TableRow(api::Kind kind, const json& o, bool wide, api::TimePoint now) {
  switch (kind) {
    case api::Kind::kLab:
      return LabRow(o, wide, now);
    case api::Kind::kSession:
      return SessionRow(o, now);
    case api::Kind::kEvent:
      return EventRow(o, now);
    case api::Kind::kHost:
      return HostRow(o, wide, now);
  }
  return {api::Name(o)};
}

std::string RenderObjects(api::Kind kind, const std::vector<json>& items, bool single,
                          const OutputFormat& format, api::TimePoint now) {
  const json doc = single && items.size() == 1 ? items.front() : ListOf(items);
  switch (format.type) {
    case OutputFormat::Type::kTable:
    case OutputFormat::Type::kWide: {
      Table t = NewTable(kind, format.type == OutputFormat::Type::kWide);
      for (const auto& o : items)
        t.AddRow(TableRow(kind, o, format.type == OutputFormat::Type::kWide, now));
      return t.Render();
    }
    case OutputFormat::Type::kYaml:
      return api::ToYaml(doc);
    case OutputFormat::Type::kJson:
      return doc.dump(4) + "\n";
    case OutputFormat::Type::kName: {
      std::string out;
      for (const auto& o : items) out += KindLowerName(kind) + "/" + api::Name(o) + "\n";
      return out;
    }
    case OutputFormat::Type::kJsonPath:
      return format.jsonpath->Execute(doc);
  }
  return "";
}

std::string RenderWatchObject(api::Kind kind, const json& object, const OutputFormat& format,
                              const Table& header, api::TimePoint now) {
  switch (format.type) {
    case OutputFormat::Type::kTable:
    case OutputFormat::Type::kWide:
      return header.RenderRowLike(
          TableRow(kind, object, format.type == OutputFormat::Type::kWide, now));
    case OutputFormat::Type::kYaml:
      return "---\n" + api::ToYaml(object);
    case OutputFormat::Type::kJson:
      return object.dump(4) + "\n";
    case OutputFormat::Type::kName:
      return KindLowerName(kind) + "/" + api::Name(object) + "\n";
    case OutputFormat::Type::kJsonPath:
      return format.jsonpath->Execute(object);
  }
  return "";
}

}  // namespace labctl::cli
