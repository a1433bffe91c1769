// ClabLab: a Lab of provider containerlab read into what labctl realises — the realisation
// model (lab_model.h) the Docker realisation runs, plus what only this provider does after a
// node starts: host bridges (kind bridge) and the veth links to them, and each node's `exec`.
//
// ReadClabLab parses spec.containerlab.topology with containerlab's inheritance (topology.h)
// against the lab's files directory (<labs_dir>/<lab>/, where the topology and
// spec.containerlab.files are written), so relative binds and env-files resolve there:
//   - containers named as containerlab names them, with containerlab's labels and CLAB_*
//     environment beside labctl's own labels, static management addresses (mgmt_plan.h);
//   - the management network as a Docker network (mgmt.network, subnets, ipv4-gw, bridge, mtu);
//   - veth links between containers as model links (interface names as written, MTU 9500 by
//     default, endpoint `mac`s); links to a bridge node and `host` / `mgmt-net` links as
//     HostEndLinks (a veth whose other end is in the host namespace); dummy links as DummyLinks
//     (part of their node's hash: a changed one re-creates the node, whose new namespace gets
//     it); veths between two bridges, and those with an end in an ext-container (a container
//     labd never creates, named as the node), apart: the provider wires them itself.
// CheckRealisable names every field labctl parses but does not realise (422 at apply time); a
// kind run as a plain linux container is a warning instead. Reads env-files, nothing else.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "api/lab_spec.h"
#include "api/object.h"
#include "api/status.h"
#include "reconcilers/providers/containerlab/topology.h"
#include "reconcilers/providers/docker/lab_model.h"

namespace labctl::clab {

using api::kContainerlabProvider;
// The topology's file name in the lab's files directory (spec.containerlab.files may not use it).
inline constexpr const char* kTopologyFileName = api::kContainerlabTopologyFile;
// The management network's name in the model (its interface is eth0 on every node).
inline constexpr char kMgmtNetwork[] = "mgmt";

// A veth from a container to the host namespace: a link to a bridge node (the host end is a
// port of that bridge), containerlab's `type: host` (the host end alone) and `type: mgmt-net`
// (the host end is a port of the management network's bridge).
struct HostEndLink {
  enum class Attach { kNone, kBridgeNode, kMgmtBridge };
  int index = 0;             // position in topology.links (its link tag)
  std::string node, ifname;  // the container end
  std::string host_ifname;   // the host end
  Attach attach = Attach::kNone;
  std::string bridge;  // kBridgeNode: the bridge node's name
  int mtu = kDefaultLinkMtu;
  std::string field;  // where the host end's name is written ("topology.links[2].host-interface")
  std::string mac = {}, host_mac = {};  // the endpoints' `mac`; empty: the kernel's random one
  bool operator==(const HostEndLink&) const = default;
};

// containerlab's `type: dummy` link: a dummy interface inside the node's namespace.
struct DummyLink {
  int index = 0;  // position in topology.links (its link tag)
  std::string node, ifname;
  int mtu = kDefaultLinkMtu;
  std::string mac = {};
  bool operator==(const DummyLink&) const = default;
};

struct ClabLab {
  Topology topology;
  reconcilers::LabModel model;
  std::vector<std::string> bridges;  // kind bridge nodes: host bridges of these names
  std::vector<HostEndLink> host_links;
  std::vector<DummyLink> dummy_links;
  // veths between two bridge nodes: both ends in the host namespace (node_a/b: the bridges).
  std::vector<net::LinkPlan> bridge_links;
  // kind ext-container nodes (their containers are named as the node) and the veths with an end
  // in one (the other end in a node's container or another ext-container).
  std::vector<std::string> ext_containers;
  std::vector<net::LinkPlan> ext_links;
  std::map<std::string, std::vector<std::vector<std::string>>> exec;  // node -> argv, in order
  std::vector<std::string> warnings;  // what is run but not as containerlab would
};

// <labs_dir>/<lab>
std::string LabFilesDir(const std::string& labs_dir, const std::string& lab);

// Parses and resolves a Lab's spec.containerlab.topology as if written to its files directory,
// and checks that labctl realises every field it uses. Invalid with causes naming the
// topology's field paths.
api::Result<Topology> ReadLabTopology(const api::json& lab, const std::string& labs_dir);

// Fields labctl parses but does not realise, as causes naming their paths.
std::vector<api::Cause> UnrealisedFields(const RawTopology& raw, const Topology& topo);

// The topology's links with an end in the host namespace (bridge ports, host and mgmt-net
// links), in topology order.
std::vector<HostEndLink> HostEndLinks(const Topology& topo);
// Veth links between two bridge nodes, and those with an end in an ext-container (clab_links.cpp).
std::vector<net::LinkPlan> BridgeLinks(const Topology& topo);
std::vector<net::LinkPlan> ExtContainerLinks(const Topology& topo);
// Veth links between two nodes with containers of the lab: the model's links.
std::vector<net::LinkPlan> ContainerLinks(const Topology& topo);
std::vector<DummyLink> DummyLinks(const Topology& topo);

api::Result<ClabLab> ReadClabLab(const api::json& lab, const std::string& labs_dir);

// containerlab's command splitting (shell-like words, quotes, backslashes; no expansion).
api::Result<std::vector<std::string>> SplitCommand(const std::string& text);

}  // namespace labctl::clab
