// labctl describe KIND NAME: the object's summary, its spec as tables (labs: networks, nodes
// with their status, links), its conditions and the events about it.
#include <algorithm>
#include <iostream>
#include <sstream>

#include "api/warm_pool.h"
#include "api/yaml.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/util/duration.h"
#include "cli/util/printers.h"
#include "cli/util/table.h"

namespace labctl::cli {

namespace {

using json = nlohmann::json;

constexpr char kDescribeUsage[] = R"(Usage: labctl describe KIND NAME | KIND/NAME
)";

api::TimePoint Now() { return api::SystemClock::Instance().Now(); }

std::string Text(const json& o, const json::json_pointer& p,
                 const std::string& fallback = "<none>") {
  if (!o.contains(p) || o.at(p).is_null()) return fallback;
  const json& v = o.at(p);
  if (v.is_string()) return v.get<std::string>().empty() ? fallback : v.get<std::string>();
  return v.dump();
}

std::string KeyValues(const json& m) {
  if (!m.is_object() || m.empty()) return "<none>";
  std::string out;
  for (auto it = m.begin(); it != m.end(); ++it)
    out += (out.empty() ? "" : ",") + it.key() + "=" +
           (it->is_string() ? it->get<std::string>() : it->dump());
  return out;
}

// A table indented under a section heading.
void Section(std::ostream& out, const std::string& title, const Table& t) {
  out << title << ":\n";
  if (t.size() == 0) {
    out << "  <none>\n";
    return;
  }
  std::istringstream lines(t.Render());
  for (std::string line; std::getline(lines, line);) out << "  " << line << "\n";
}

void Field(std::ostream& out, const std::string& label, const std::string& value) {
  std::string l = label + ":";
  out << l << std::string(l.size() < 18 ? 18 - l.size() : 1, ' ') << value << "\n";
}

void Header(std::ostream& out, const json& o) {
  Field(out, "Name", api::Name(o));
  Field(out, "Kind", o.value("kind", ""));
  Field(out, "Labels", KeyValues(o.value("metadata", json::object()).value("labels", json())));
  Field(out, "Annotations",
        KeyValues(o.value("metadata", json::object()).value("annotations", json())));
  std::string created = Text(o, "/metadata/creationTimestamp"_json_pointer, "");
  Field(out, "Created",
        created.empty() ? "<unknown>" : created + " (" + Age(created, Now()) + " ago)");
  Field(out, "Generation", std::to_string(api::Generation(o)));
  Field(out, "Resource Version", api::ResourceVersion(o));
  if (api::IsBeingDeleted(o))
    Field(out, "Deleting Since", Text(o, "/metadata/deletionTimestamp"_json_pointer));
  std::string finalizers;
  for (const auto& f : ArrayAt(o, "/metadata/finalizers"_json_pointer))
    finalizers += (finalizers.empty() ? "" : ",") + f.get<std::string>();
  Field(out, "Finalizers", finalizers.empty() ? "<none>" : finalizers);
}

std::string Interfaces(const json& node) {
  std::string out;
  for (const auto& i : ArrayAt(node, "/interfaces"_json_pointer)) {
    std::string s =
        i.value("ifname", "") + (i.contains("ifname") ? "=" : "") + i.value("network", "");
    if (i.contains("ipv4")) s += ":" + i.value("ipv4", "");
    out += (out.empty() ? "" : ",") + s;
  }
  return out.empty() ? "<none>" : out;
}

const json* NodeStatus(const json& lab, const std::string& name) {
  for (const auto& n : ArrayAt(lab, "/status/nodes"_json_pointer))
    if (n.value("name", "") == name) return &n;
  return nullptr;
}

std::string Or(const std::string& s, const char* none = "<none>") { return s.empty() ? none : s; }

// "eth1=10.1.0.1/30" per data interface netlab gave the node.
std::string NetlabInterfaces(const json& netlab) {
  std::string out;
  for (const auto& i : ArrayAt(netlab, "/interfaces"_json_pointer)) {
    std::string s = i.value("ifname", "");
    if (i.contains("ipv4") && i["ipv4"].is_string()) s += "=" + i["ipv4"].get<std::string>();
    out += (out.empty() ? "" : ",") + s;
  }
  return out;
}

// The nodes of a lab made from a topology file (containerlab, netlab: no spec.nodes), as its
// status reports them, with what netlab knows of each.
Table StatusNodes(const json& lab) {
  Table nodes({"NAME", "DEVICE", "MGMT", "LOOPBACK", "INTERFACES", "STATE", "READY", "MESSAGE"});
  for (const auto& st : ArrayAt(lab, "/status/nodes"_json_pointer)) {
    const json netlab = st.value("netlab", json::object());
    nodes.AddRow({st.value("name", ""), Or(netlab.value("device", "")),
                  Or(netlab.value("mgmt", json::object()).value("ipv4", "")),
                  Or(netlab.value("loopback", json::object()).value("ipv4", "")),
                  Or(NetlabInterfaces(netlab)), st.value("state", "<none>"),
                  st.value("ready", false) ? "true" : "false", st.value("message", "")});
  }
  return nodes;
}

void DescribeLab(std::ostream& out, const json& lab) {
  Field(out, "Provider", Text(lab, "/spec/provider"_json_pointer, "docker"));
  Field(out, "Run Policy", Text(lab, "/spec/runPolicy"_json_pointer, "OnDemand"));
  Field(out, "Phase", Text(lab, "/status/phase"_json_pointer, "Pending"));
  Field(out, "Held By", Text(lab, "/status/heldBy"_json_pointer));
  Field(out, "Host", Text(lab, "/status/host"_json_pointer));
  if (api::WarmPoolSize(lab) > 0)
    Field(out, "Warm Pool",
          Text(lab, "/status/warmPool/ready"_json_pointer, "0") + "/" +
              std::to_string(api::WarmPoolSize(lab)) + " ready, " +
              Text(lab, "/status/warmPool/starting"_json_pointer, "0") + " starting, " +
              Text(lab, "/status/warmPool/inUse"_json_pointer, "0") + " in use");
  if (!api::PoolTemplateOf(lab).empty()) Field(out, "Spare Of", api::PoolTemplateOf(lab));
  Field(out, "Spec Hash", Text(lab, "/status/specHash"_json_pointer));
  Table nets({"NAME", "SUBNET", "IPV6 SUBNET"});
  for (const auto& n : ArrayAt(lab, "/spec/networks"_json_pointer))
    nets.AddRow(
        {n.value("name", ""), n.value("subnet", "<none>"), n.value("ipv6Subnet", "<none>")});
  Section(out, "Networks", nets);
  Table nodes({"NAME", "IMAGE", "GROUP", "INTERFACES", "STATE", "READY", "ADDRESSES", "MESSAGE"});
  for (const auto& n : ArrayAt(lab, "/spec/nodes"_json_pointer)) {
    std::string name = n.value("name", "");
    const json* st = NodeStatus(lab, name);
    std::string addresses;
    if (st && st->contains("addresses") && (*st)["addresses"].is_object())
      addresses = KeyValues((*st)["addresses"]);
    nodes.AddRow({name, n.value("image", ""), n.value("group", "<none>"), Interfaces(n),
                  st ? st->value("state", "<none>") : "<none>",
                  st ? (st->value("ready", false) ? "true" : "false") : "false",
                  addresses.empty() ? "<none>" : addresses, st ? st->value("message", "") : ""});
  }
  Section(out, "Nodes",
          ArrayAt(lab, "/spec/nodes"_json_pointer).empty() ? StatusNodes(lab) : nodes);
  Table links({"ENDPOINTS", "IPV4", "IMPAIRMENT"});
  for (const auto& l : ArrayAt(lab, "/spec/links"_json_pointer)) {
    auto join = [](const json& a) {
      std::string s;
      if (a.is_array())
        for (const auto& e : a)
          s += (s.empty() ? "" : " <-> ") + (e.is_string() ? e.get<std::string>() : e.dump());
      return s.empty() ? "<none>" : s;
    };
    links.AddRow({join(l.value("endpoints", json())), join(l.value("ipv4", json())),
                  l.contains("impairment") ? KeyValues(l["impairment"]) : "<none>"});
  }
  Section(out, "Links", links);
}

void DescribeSession(std::ostream& out, const json& s) {
  Field(out, "Lab", Text(s, "/spec/lab"_json_pointer));
  if (!api::SessionLab(s).empty() && api::SessionLab(s) != Text(s, "/spec/lab"_json_pointer))
    Field(out, "Holds Lab", api::SessionLab(s));  // a spare of the lab's warm pool
  Field(out, "Holder", Text(s, "/spec/holder"_json_pointer));
  Field(out, "Phase", Text(s, "/status/phase"_json_pointer, "Pending"));
  Field(out, "Position", Text(s, "/status/position"_json_pointer, "-"));
  Field(out, "Owner", Text(s, "/status/owner"_json_pointer));
  Field(out, "Heartbeat Timeout", Text(s, "/spec/heartbeatTimeoutSeconds"_json_pointer) + "s");
  Field(out, "Last Heartbeat", Text(s, "/status/lastHeartbeatTime"_json_pointer));
  Field(out, "Active Since", Text(s, "/status/activeSince"_json_pointer));
  Field(out, "Finished At", Text(s, "/status/finishedAt"_json_pointer));
  Field(out, "Reason", Text(s, "/status/reason"_json_pointer));
}

void DescribeHost(std::ostream& out, const json& h) {
  Field(out, "Endpoint", Text(h, "/spec/endpoint"_json_pointer));
  Field(out, "TLS", h.contains("/spec/tls"_json_pointer) ? "yes" : "no");
  Field(out, "Unschedulable", Text(h, "/spec/unschedulable"_json_pointer, "false"));
  Field(out, "Engine Version", Text(h, "/status/engineVersion"_json_pointer));
  Field(out, "API Version", Text(h, "/status/apiVersion"_json_pointer));
  Table capacity({"RESOURCE", "ALLOCATED", "CAPACITY"});
  for (const char* r : {"labs", "nodes"})
    capacity.AddRow({r, Text(h, json::json_pointer(std::string("/status/allocated/") + r), "0"),
                     Text(h, json::json_pointer(std::string("/spec/capacity/") + r), "unlimited")});
  Section(out, "Capacity", capacity);
  Table caps({"CAPABILITY", "VALUE"});
  const json capabilities = h.contains("/status/capabilities"_json_pointer)
                                ? h.at("/status/capabilities"_json_pointer)
                                : json::object();
  for (auto it = capabilities.begin(); capabilities.is_object() && it != capabilities.end(); ++it)
    caps.AddRow({it.key(), it->is_string() ? it->get<std::string>() : it->dump()});
  Section(out, "Capabilities", caps);
  Table labs({"LAB"});
  for (const auto& lab : ArrayAt(h, "/status/labs"_json_pointer))
    labs.AddRow({lab.is_string() ? lab.get<std::string>() : lab.dump()});
  Section(out, "Labs", labs);
}

void Conditions(std::ostream& out, const json& o) {
  Table t({"TYPE", "STATUS", "REASON", "MESSAGE", "AGE"});
  for (const auto& c : ArrayAt(o, "/status/conditions"_json_pointer))
    t.AddRow({c.value("type", ""), c.value("status", ""), c.value("reason", ""),
              c.value("message", ""), Age(c.value("lastTransitionTime", ""), Now())});
  Section(out, "Conditions", t);
}

void Events(std::ostream& out, client::Client& c, api::Kind kind, const std::string& name) {
  auto list = c.List(api::Kind::kEvent);
  std::vector<json> events;
  if (list.ok())
    for (const auto& e : ArrayAt(*list, "/items"_json_pointer))
      if (Text(e, "/involvedObject/kind"_json_pointer, "") == api::KindName(kind) &&
          Text(e, "/involvedObject/name"_json_pointer, "") == name)
        events.push_back(e);
  auto last = [](const json& e) {
    std::string t = Text(e, "/lastTimestamp"_json_pointer, "");
    return t.empty() ? Text(e, "/metadata/creationTimestamp"_json_pointer, "") : t;
  };
  std::stable_sort(events.begin(), events.end(),
                   [&](const json& a, const json& b) { return last(a) < last(b); });
  Table t({"LAST SEEN", "TYPE", "REASON", "COUNT", "MESSAGE"});
  for (const auto& e : events)
    t.AddRow({Age(last(e), Now()), e.value("type", ""), e.value("reason", ""),
              Text(e, "/count"_json_pointer, "1"), e.value("message", "")});
  if (!list.ok()) {
    out << "Events:\n  <unavailable: " << list.status().message() << ">\n";
    return;
  }
  Section(out, "Events", t);
}

}  // namespace

int RunDescribe(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags({});
  const std::string usage = flags.Help(kDescribeUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  size_t i = 0;
  auto target = ParseKindAndName(flags.positional(), i);
  if (!target.ok()) return UsageError(target.status().message(), usage);
  if (target->name.empty()) return UsageError("describe needs a NAME", usage);
  auto client = ctx.NewClient();
  auto o = client->Get(target->kind, target->name);
  if (!o.ok()) {
    PrintError(o.status(), ObjectRef(target->kind, target->name));
    return kExitError;
  }
  std::ostringstream out;
  Header(out, *o);
  if (target->kind == api::Kind::kLab)
    DescribeLab(out, *o);
  else if (target->kind == api::Kind::kSession)
    DescribeSession(out, *o);
  else if (target->kind == api::Kind::kHost)
    DescribeHost(out, *o);
  else
    out << api::ToYaml(*o);
  if (target->kind != api::Kind::kEvent) {
    Conditions(out, *o);
    Events(out, *client, target->kind, target->name);
  }
  std::cout << out.str() << std::flush;
  return kExitOk;
}

}  // namespace labctl::cli
