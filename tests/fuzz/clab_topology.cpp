// containerlab topology files (reconcilers/providers/containerlab: ParseTopology = the raw
// parse and the resolution of defaults, kinds, groups and links), then what labd derives from a
// resolved topology: container names, labels, environments and the management address plan.
// Input: "<topology YAML>", or "<topology YAML>\n--\n<env file>".
#include "fuzz_input.h"
#include "reconcilers/providers/containerlab/mgmt_plan.h"
#include "reconcilers/providers/containerlab/naming.h"
#include "reconcilers/providers/containerlab/topology.h"

using namespace labctl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::SplitParts(fuzz::Text(data, size), 2);
  clab::StringMap env_file;
  if (parts.size() == 2) {
    auto parsed = clab::ParseEnvFile(parts[1]);
    if (parsed.ok()) env_file = std::move(*parsed);
  }
  auto topo = clab::ParseTopology(parts[0], {"/srv/labs/fuzz.clab.yml", "fuzz"});
  if (!topo.ok()) return 0;
  (void)clab::PlanMgmtAddresses(*topo);
  for (const auto& [name, node] : topo->nodes) {
    (void)clab::ContainerName(*topo, name);
    (void)clab::NodeDir(topo->topology_dir, topo->name, name);
    (void)clab::DataInterfaceCount(*topo, name);
    auto labels = clab::ContainerLabels(*topo, node, {"fuzz", "br-fuzz"});
    (void)clab::ContainerEnv(*topo, node, labels, env_file);
  }
  return 0;
}
