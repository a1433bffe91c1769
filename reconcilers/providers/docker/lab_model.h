// LabModel: the realisation model — everything the Docker realisation (docker_realisation.h)
// needs to run a lab on Docker, whichever provider produced it: per node its container (exact
// name, image, command, env, labels, capabilities, binds), its interfaces with static
// addresses on the lab's networks, the routes/gateways/NAT it gets after start; the lab's
// networks (Docker name, subnets, driver options, labels) and point-to-point links with
// impairment. Provider docker builds it from labctl's Lab spec (docker_provider.h); other
// providers build it from their own input. Plain data; ContainerSpecFor is pure.
//
// The model is the contract between providers and the realisation: whatever it says is what
// Docker is made to hold. labctl's own labels (drivers/docker/naming.h: lab, uid, node, spec
// hash, instance) always go on every object, whatever `labels` adds; they are how the realisation
// finds a lab's objects, tells kept from stale, and sweeps orphans.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/ip.h"
#include "api/object.h"
#include "api/status.h"
#include "drivers/docker/engine.h"
#include "drivers/net/impairment.h"
#include "drivers/net/lab_network_plan.h"
#include "drivers/net/nat.h"
#include "drivers/net/node_network.h"

namespace labctl::reconcilers {

class RunningNodes;  // running_nodes.h

struct NetworkModel {
  std::string name;         // as nodes' interfaces name it
  std::string docker_name;  // the Docker network
  std::string former_name;  // a name it may have from an earlier labd: adopted, never created
  std::string subnet;
  std::string ipv6_subnet;
  std::string hash;               // what the network was created from: a change recreates it
  docker::LabelMap labels;        // beside labctl's own
  docker::LabelMap options;       // Docker driver options
  std::string gateway;            // IPv4 gateway; empty: Docker picks the subnet's first address
  std::string ipv6_gateway = {};  // likewise for IPv6
  std::string ipv4_range = {}, ipv6_range = {};  // where Docker's IPAM picks; empty: the subnet
};

struct InterfaceModel {
  std::string network;  // NetworkModel::name
  std::string ipv4;     // static addresses; empty: Docker's IPAM picks
  std::string ipv6;
  std::string ifname;          // the name inside the node, pinned by MAC after start
  net::Impairment impairment;  // applied from the host (empty: none)
};

struct ReadinessModel {
  std::vector<std::string> exec;
  int period_seconds = 1;
  int timeout_seconds = 60;
};

struct NodeModel {
  std::string name;
  std::string container;    // the Docker container's exact name
  std::string former_name;  // a name it may have from an earlier labd: adopted, never created
  std::string group;
  std::string image;
  std::vector<std::string> command;
  std::vector<std::string> entrypoint;  // empty: the image's
  std::string user;                     // empty: the image's
  docker::LabelMap env;
  docker::LabelMap labels;  // beside labctl's own
  std::vector<std::string> cap_add;
  docker::LabelMap sysctls;
  bool privileged = false;
  bool unconfined_system_paths = false;  // docker::ContainerSpec's; part of `hash`
  std::vector<std::string> binds;
  int64_t memory_bytes = 0;  // limits, as docker::ContainerSpec's; 0 / empty: none
  int64_t nano_cpus = 0;
  std::string cpuset_cpus;
  std::vector<InterfaceModel> interfaces;  // the first is the network it is created on
  // Docker's network mode instead of `interfaces` (which are then empty): "host", "none",
  // "container:<name>". A node in another's namespace (host, container:) gets no network hook,
  // no links and no network reset: the namespace is not the node's own.
  std::string network_mode;
  std::vector<docker::PortBinding> ports;  // published ports
  std::string restart_policy;              // Docker's; empty: none (labd repairs the node)
  int startup_delay_seconds = 0;           // a new container is created this long after asked
  std::vector<std::string> depends_on;
  // Started only once these nodes run (their containers started; not necessarily Ready).
  std::vector<std::string> depends_on_running;
  std::optional<ReadinessModel> readiness;
  std::string hash;  // what the container was created from: a change recreates it
  api::json netlab;  // shown as status.nodes[].netlab (NodeState::netlab); not part of `hash`
  // Applied inside the node after every start (the network hook).
  std::vector<api::IpAddress> default_gateways;
  std::vector<net::StaticRoute> routes;
  std::optional<net::NatConfig> nat;
  // False for host and container: network modes (see network_mode).
  bool OwnsNetworkNamespace() const {
    return network_mode != "host" && network_mode.rfind("container:", 0) != 0;
  }
  // Why the gateways or the NAT could not be derived from the provider's input (shown on the
  // node as NetworkSetupFailed when the hook runs); OK normally.
  api::Status gateway_error, nat_error;
};

struct LabModel {
  std::string name;
  std::string uid;
  int64_t generation = 0;
  std::string provider;
  std::string spec_hash;
  std::vector<NetworkModel> networks;
  std::vector<NodeModel> nodes;      // the nodes to run (skipped groups left out), in order
  std::vector<net::LinkPlan> links;  // point-to-point veth links between nodes
  // Not the provider's: the labd instance the realisation stamps on what it creates
  // (lab_cleanup.h: ownership).
  std::string instance;
  // Not the provider's either: set by the realisation for one pass, what the pass knows of its
  // nodes' containers (running_nodes.h), so that hooks find link peers without asking Docker.
  // Null outside a pass (lab actions): peers are inspected.
  std::shared_ptr<RunningNodes> running;

  const NodeModel* FindNode(const std::string& name) const;
  const NetworkModel* FindNetwork(const std::string& name) const;
  // The model name of a Docker network of this lab (by its name or former name), or
  // `docker_name` itself for another one.
  std::string NetworkNameOf(const std::string& docker_name) const;
};

docker::ContainerSpec ContainerSpecFor(const LabModel& lab, const NodeModel& node);
docker::NetworkSpec NetworkSpecFor(const LabModel& lab, const NetworkModel& network);

}  // namespace labctl::reconcilers
