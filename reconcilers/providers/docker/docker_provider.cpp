#include "reconcilers/providers/docker/docker_provider.h"

#include "api/lab_spec.h"
#include "api/spec_hash.h"
#include "drivers/docker/naming.h"

namespace labctl::reconcilers {
namespace {

using api::json;

NodeModel ReadNode(const json& spec, const api::LabSpec& lab, const std::string& lab_name,
                   const api::LabNodeSpec& n) {
  NodeModel node;
  node.name = n.name;
  node.container = docker::ContainerName(lab_name, n.name);
  node.former_name = docker::LegacyContainerName(lab_name, n.name);
  node.group = n.group;
  node.image = n.image;
  node.command = n.command;
  node.env = n.env;
  node.cap_add = n.cap_add;
  node.sysctls = n.sysctls;
  node.privileged = n.privileged;
  node.binds = n.binds;
  node.depends_on = n.depends_on;
  for (const auto& f : n.interfaces)
    node.interfaces.push_back(
        {f.network, f.ipv4, f.ipv6, f.ifname, net::ImpairmentFrom(f.impairment)});
  if (n.readiness)
    node.readiness = ReadinessModel{n.readiness->exec, n.readiness->period_seconds,
                                    n.readiness->timeout_seconds};
  node.hash = api::NodeSpecHash(spec, node.name);
  auto gateways = net::DefaultGateways(lab, n);
  if (gateways.ok())
    node.default_gateways = *gateways;
  else
    node.gateway_error = gateways.status();
  node.routes = net::StaticRoutes(n);
  auto nat = net::NatFor(lab, n);
  if (nat.ok())
    node.nat = *nat;
  else
    node.nat_error = nat.status();
  return node;
}

// Provider docker's input: the Lab object itself.
class DockerSpecSource : public RealisationSource {
 public:
  api::Result<LabModel> Model(const json& lab) override { return ReadLabModel(lab); }
};

}  // namespace

LabModel ReadLabModel(const json& lab) {
  LabModel m;
  m.name = api::Name(lab);
  m.uid = api::Uid(lab);
  m.generation = api::Generation(lab);
  const json spec = lab.value("spec", json::object());
  const api::LabSpec typed = api::ReadLabSpec(spec);
  m.provider = typed.provider;
  m.spec_hash = api::SpecHash(spec);
  // One typed network per entry of spec.networks, in order: the hash covers the entry as written.
  for (size_t i = 0; i < typed.networks.size(); ++i) {
    const auto& n = typed.networks[i];
    NetworkModel network;
    network.name = n.name;
    network.docker_name = docker::NetworkName(m.name, n.name);
    network.former_name = docker::LegacyNetworkName(m.name, n.name);
    network.subnet = n.subnet;
    network.ipv6_subnet = n.ipv6_subnet;
    network.hash = api::SpecHash(spec["networks"][i]);
    network.options = {{"com.docker.network.bridge.enable_ip_masquerade", "false"}};
    m.networks.push_back(std::move(network));
  }
  for (const auto& n : typed.nodes)
    if (!typed.Skips(n)) m.nodes.push_back(ReadNode(spec, typed, m.name, n));
  m.links = net::Links(typed);
  return m;
}

std::unique_ptr<DockerRealisation> MakeDockerProvider(store::Store& store,
                                                      docker::DockerEngine& engine,
                                                      DockerRealisationOptions options) {
  return std::make_unique<DockerRealisation>(store, engine, std::make_unique<DockerSpecSource>(),
                                             std::move(options));
}

}  // namespace labctl::reconcilers
