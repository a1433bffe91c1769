// Provider netlab: a Lab whose spec.netlab.topology is a netlab topology, run with the real
// netlab CLI (argv only) and realised on Docker through the containerlab provider's source —
// what `netlab up` does on containerlab, without a containerlab binary:
//   Prepare      checks netlab (and the host tools it runs) is there, else ProviderUnavailable
//                naming what is missing; writes the topology and files into <labs_dir>/<lab>/;
//                claims the lab's multilab id (multilab_ids.h); runs `netlab create -p clab`
//                there when the inputs hash (netlab_inputs.h) changed (NetlabCreateFailed with
//                netlab's output otherwise) and keeps what netlab knows of each node
//                (netlab_nodes.h); hands the generated clab.yml to the containerlab source;
//   Model        the containerlab source's, on that clab.yml, with each node's netlab facts
//                (status.nodes[].netlab) and what router nodes need (netlab_nodes.h);
//   BeforeNodes, NodeStarted  the containerlab source's;
//   AllReady     `netlab initial` once per realisation (initial_record.h): for a node whose
//                container started anew (drift repair, restart), `--limit` it and its peers;
//                for a new uid or generation, every node (NetlabInitialFailed when it fails);
//                its output goes to an event and to
//                netlab-initial.log in the lab directory; then the lab is recorded in netlab's
//                status file, so `netlab status` in the lab directory shows it;
//   AfterTearDown the containerlab teardown, netlab's generated files, its status entry; on
//                delete also the multilab id.
#pragma once

#include <memory>
#include <string>

#include "controller/runtime/event_recorder.h"
#include "drivers/docker/engine.h"
#include "drivers/netlab/netlab_cli.h"
#include "reconcilers/providers/docker/docker_realisation.h"
#include "store/store.h"

namespace labctl::reconcilers {

struct NetlabProviderOptions {
  std::string labs_dir;  // DATA_DIR/labs: each lab's directory is <labs_dir>/<lab>
  runtime::EventRecorder* events = nullptr;
  netlab::NetlabOptions cli;  // the netlab program, its HOME, its timeout
  // Host-wide multilab id claims, shared by every labd of the host (multilab_ids.h).
  std::string ids_dir = DefaultMultilabIdsDir();
  bool host_network = true;  // as ContainerlabOptions::host_network

  // /run/labctl/netlab-ids as root, else /tmp/labctl-netlab-ids-<uid>.
  static std::string DefaultMultilabIdsDir();
};

std::unique_ptr<DockerRealisation> MakeNetlabProvider(store::Store& store,
                                                      docker::DockerEngine& engine,
                                                      NetlabProviderOptions netlab,
                                                      DockerRealisationOptions options = {});

}  // namespace labctl::reconcilers
