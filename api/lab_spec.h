// LabSpec: a Lab's spec as typed structs, with every documented default applied — the one
// place that knows the defaults (provider docker, runPolicy OnDemand, idleTimeoutSeconds 0,
// interface names eth<i>, readiness every 1 s for at most 60 s).
//
// The server writes the defaults into the object before validating and storing it
// (DefaultLabSpec); ReadLabSpec applies the same defaults again when it reads, so a Lab stored
// before a default existed reads exactly like one stored after. ReadLabSpec is lenient: it
// reads validated objects (api/validation.h) and skips what has the wrong type instead of
// failing, so an old or hand-written stored object never stops a reconciler. The reconcilers
// and the network plan consume this, never the JSON. Pure: no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/object.h"

namespace labctl::api {

inline constexpr char kDefaultProvider[] = "docker";
inline constexpr char kContainerlabProvider[] = "containerlab";
// Where provider containerlab writes spec.containerlab.topology in the lab's files directory.
inline constexpr char kContainerlabTopologyFile[] = "topology.clab.yml";
inline constexpr char kNetlabProvider[] = "netlab";
// Where provider netlab writes spec.netlab.topology when no upload named it.
inline constexpr char kNetlabTopologyFile[] = "topology.yml";
// Annotations of a netlab Lab made by the Neops facade: the topology's uploaded file name, and
// its extra files with their relative paths (a JSON object path -> content), written beside it.
inline constexpr char kNetlabTopologyFileAnnotation[] = "labctl.dev/topology-file";
inline constexpr char kNetlabFilesAnnotation[] = "labctl.dev/netlab-files";
inline constexpr char kDefaultRunPolicy[] = "OnDemand";
// spec.onHostLost: what happens when the lab's Host stops answering (docs/hosts.md). Fail: its
// Active session fails, the lab stays on its Host and comes back with it. Reschedule: the lab
// leaves the lost Host and is built again on another; its session stays.
inline constexpr char kOnHostLostFail[] = "Fail";
inline constexpr char kOnHostLostReschedule[] = "Reschedule";
inline constexpr int kDefaultIdleTimeoutSeconds = 0;
inline constexpr int kDefaultReadinessPeriodSeconds = 1;
inline constexpr int kDefaultReadinessTimeoutSeconds = 60;
// The name of the interface at `index` of a node that names none: eth0, eth1, ...
std::string DefaultIfname(size_t index);

using StringMap = std::map<std::string, std::string>;

// {delayMs, jitterMs, lossPercent, rateKbit}; a missing field is 0.
struct ImpairmentSpec {
  double delay_ms = 0;
  double jitter_ms = 0;
  double loss_percent = 0;
  int64_t rate_kbit = 0;
};

struct LabNetworkSpec {
  std::string name;
  std::string subnet;
  std::string ipv6_subnet;
};

struct LabInterfaceSpec {
  std::string network;
  std::string ipv4;
  std::string ipv6;
  std::string ifname;  // defaulted
  std::optional<ImpairmentSpec> impairment;
};

struct ReadinessSpec {
  std::vector<std::string> exec;
  int period_seconds = kDefaultReadinessPeriodSeconds;    // at least 1
  int timeout_seconds = kDefaultReadinessTimeoutSeconds;  // at least 1
};

struct RouteSpec {
  std::string to;   // CIDR
  std::string via;  // address
};

struct NatSpec {
  std::string type;  // cone | symmetric | full-cone
  std::string inside;
  std::string outside;
};

struct LabNodeSpec {
  std::string name;
  std::string group;
  std::string image;
  std::vector<std::string> command;
  StringMap env;  // a non-string value as its JSON text
  std::vector<std::string> cap_add;
  StringMap sysctls;
  bool privileged = false;
  std::vector<std::string> binds;
  std::vector<LabInterfaceSpec> interfaces;
  std::vector<std::string> depends_on;
  std::optional<ReadinessSpec> readiness;
  std::string default_gateway;  // a node name; empty: none
  std::vector<RouteSpec> routes;
  std::optional<NatSpec> nat;

  // The interface on `network`, or nullptr.
  const LabInterfaceSpec* InterfaceOn(const std::string& network) const;
};

struct LinkEndSpec {
  std::string node;
  std::string ifname;
};

struct LabLinkSpec {
  int index = 0;  // position in spec.links (links with malformed endpoints are skipped)
  LinkEndSpec a, b;
  std::vector<std::string> ipv4;  // two "address/prefix", one per end, or none
  std::vector<std::string> ipv6;
  std::optional<ImpairmentSpec> impairment;
};

struct NetlabSpec {
  std::string topology;
  StringMap files;
  StringMap images;  // netlab device -> local image (defaults.devices.<device>.clab.image)
};

// spec.containerlab: a containerlab topology file, verbatim, and the files it names by relative
// path (binds, env-files), written beside it.
struct ContainerlabSpec {
  std::string topology;
  StringMap files;
};

struct LabSpec {
  std::string provider = kDefaultProvider;
  std::string run_policy = kDefaultRunPolicy;  // OnDemand | Always
  int idle_timeout_seconds = kDefaultIdleTimeoutSeconds;
  std::string on_host_lost = kOnHostLostFail;  // Fail | Reschedule
  std::vector<std::string> skip_groups;
  std::vector<LabNetworkSpec> networks;
  std::vector<LabNodeSpec> nodes;  // every node, skipGroups not applied
  std::vector<LabLinkSpec> links;
  std::optional<NetlabSpec> netlab;
  std::optional<ContainerlabSpec> containerlab;

  const LabNodeSpec* FindNode(const std::string& name) const;
  const LabNetworkSpec* FindNetwork(const std::string& name) const;
  // Whether skipGroups leaves the node out of the running lab.
  bool Skips(const LabNodeSpec& node) const;
};

// Reads a Lab's spec (the object's "spec" value) with every default applied.
LabSpec ReadLabSpec(const json& spec);
// Reads lab["spec"] (an object without a spec reads as all defaults).
LabSpec ReadLabObjectSpec(const json& lab);

// Writes the defaults into a spec as the server stores it: provider, runPolicy,
// idleTimeoutSeconds, each interface's ifname and each readiness probe's periodSeconds and
// timeoutSeconds, where absent or null. Anything not an object is left alone.
void DefaultLabSpec(json& spec);

}  // namespace labctl::api
