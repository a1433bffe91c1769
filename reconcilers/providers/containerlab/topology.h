// A containerlab topology resolved the way containerlab resolves it: typed, fully defaulted.
//
// Resolve() applies containerlab's inheritance to every node (topology.defaults < kinds.<kind>
// < groups.<group> < the node): scalars take the most specific non-empty value; env, labels and
// sysctls merge key by key; binds merge by container path (a more specific level replaces the
// bind for the same path); env-files and cap-add concatenate without duplicates; exec
// concatenates every level in order; ports come whole from the most specific level that has
// any; stages merge per stage (wait-for without duplicates, exec appended). Links in any
// notation become typed links with containerlab's default MTU (9500) and the interface names
// exactly as written. Host paths (binds, env-files) are made absolute against the topology
// file's directory, and containerlab's magic variables (__clabNodeName__, __clabNodeDir__,
// __clabDir__) are replaced. Every inconsistency (unknown node in a link, an endpoint used
// twice, a static management address outside the subnet...) is an Invalid status naming the
// field path. Resolve is a pure function of its inputs: it reads no file.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/ip.h"
#include "api/status.h"
#include "reconcilers/providers/containerlab/topology_raw.h"

namespace labctl::clab {

inline constexpr int kDefaultLinkMtu = 9500;
inline constexpr const char* kDefaultPrefix = "clab";
inline constexpr const char* kDefaultMgmtNetwork = "clab";
inline constexpr const char* kDefaultMgmtIpv4Subnet = "172.20.20.0/24";
inline constexpr const char* kDefaultMgmtIpv6Subnet = "3fff:172:20:20::/64";

// How labctl realises a node's kind.
enum class KindSupport {
  kLinux,         // a container, fully realised
  kBridge,        // a Linux bridge in the host namespace, no container
  kExtContainer,  // a container that already exists; labctl only wires its links
  kHost,          // the host's own network namespace
  kForeign,       // another kind with an image: run as a linux container, kind logic not applied
};
KindSupport SupportOf(const std::string& kind);

struct WaitFor {
  std::string node;
  std::string stage;  // create, create-links, configure, healthy, exit
  bool operator==(const WaitFor&) const = default;
};

struct StageExec {
  std::string command;
  std::string target;  // container | host
  std::string phase;   // on-enter | on-exit
  bool operator==(const StageExec&) const = default;
};

struct Stage {
  std::vector<WaitFor> wait_for;
  std::vector<StageExec> exec;
};

// Stages in the order a node goes through them.
inline constexpr std::array<const char*, 5> kStageOrder = {"create", "create-links", "configure",
                                                           "healthy", "exit"};
struct Stages {
  std::array<Stage, 5> by_order;  // indexed like kStageOrder
  const Stage& Get(std::string_view name) const;
};

struct Bind {
  std::string host_path;         // absolute; empty for an anonymous volume ("/data")
  std::string container_path;    // as written
  std::string options;           // "ro", "rw,z"... or empty
  std::string ToString() const;  // "host:container[:options]" as Docker takes it
};

struct Node {
  std::string name;
  std::string kind;
  KindSupport support = KindSupport::kLinux;
  std::string type, group, image, cmd, entrypoint, user;
  StringMap env;                       // the merged env map (env-files come first, see naming.h)
  std::vector<std::string> env_files;  // absolute paths, in merge order
  std::vector<Bind> binds;
  std::vector<std::string> exec;
  StringMap labels;  // user labels, merged; containerlab's own labels: naming.h
  std::optional<api::IpAddress> mgmt_ipv4, mgmt_ipv6;  // static addresses
  std::string network_mode;                            // "" (mgmt network), host, none, container:X
  std::vector<std::string> ports;
  StringMap sysctls;
  std::vector<std::string> cap_add;
  std::string restart_policy;  // no, on-failure, always, unless-stopped; empty: not written
  uint32_t startup_delay = 0;  // seconds
  Stages stages;
  std::string memory;                   // as written ("1G"); empty: no limit
  std::optional<int64_t> memory_bytes;  // parsed like containerlab (decimal units)
  std::optional<double> cpu;            // CPUs; nullopt: no limit
  std::string cpu_set;

  bool HasContainer() const {
    return support != KindSupport::kBridge && support != KindSupport::kHost;
  }
  // On the management network (containerlab's default network mode).
  bool OnMgmtNetwork() const {
    return (support == KindSupport::kLinux || support == KindSupport::kForeign) &&
           network_mode.empty();
  }
};

enum class LinkType { kVeth, kDummy, kHost, kMgmtNet };
const char* LinkTypeName(LinkType t);

struct Endpoint {
  std::string node;
  std::string interface;
  std::string mac;  // empty: generated at realisation
  bool operator==(const Endpoint&) const = default;
};

struct Link {
  LinkType type = LinkType::kVeth;
  // veth: both ends; dummy, host, mgmt-net: the node's end only.
  std::vector<Endpoint> endpoints;
  std::string host_interface;  // host, mgmt-net: the end in the host namespace
  int mtu = kDefaultLinkMtu;
  StringMap labels;
  std::string path;    // where it was written ("topology.links[3]")
  bool brief = false;  // written as `endpoints: ["a:if", "b:if"]` (no `type` field)
};

struct Mgmt {
  std::string network = kDefaultMgmtNetwork;
  std::string bridge;  // empty: Docker names it (br-<network id>)
  std::optional<api::Cidr> ipv4_subnet, ipv6_subnet;
  std::optional<api::IpAddress> ipv4_gw, ipv6_gw;
  std::optional<api::Cidr> ipv4_range, ipv6_range;
  int mtu = 0;  // 0: Docker's default
  bool external_access = true;
};

struct Topology {
  std::string name;
  std::string prefix = kDefaultPrefix;
  Mgmt mgmt;
  std::map<std::string, Node> nodes;  // by name
  std::vector<Link> links;
  std::string topology_file;  // absolute path of the topology file
  std::string topology_dir;   // its directory: base of relative paths

  // Nodes whose kind labctl runs as a plain linux container (KindSupport::kForeign).
  std::vector<std::string> ForeignKindNodes() const;
};

struct ResolveOptions {
  // Absolute path the topology file has (or would have) on disk: relative binds and env-files
  // resolve against its directory, and containers carry it in the clab-topo-file label.
  std::string topology_file;
  // Lab name when the file has no `name:` (a file without one is otherwise invalid).
  std::string default_name;
};

api::Result<Topology> Resolve(const RawTopology& raw, const ResolveOptions& options);
// ParseRawTopology + Resolve.
api::Result<Topology> ParseTopology(const std::string& yaml_text, const ResolveOptions& options);

// containerlab's memory grammar: "512M", "1G", "1.5GB", "1Gi", "1073741824" (decimal units,
// k=1000). nullopt when it does not parse.
std::optional<int64_t> ParseMemoryBytes(const std::string& text);

}  // namespace labctl::clab
