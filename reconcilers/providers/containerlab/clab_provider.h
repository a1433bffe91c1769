// Provider containerlab: a Lab whose spec.containerlab.topology is a containerlab topology file,
// realised natively on Docker through the Docker realisation (docker_realisation.h) — no
// containerlab binary. The model is clab_model.h; this source adds containerlab's steps:
//   Prepare      writes the topology and spec.containerlab.files into <labs_dir>/<lab>/
//                (binds resolve there); records a Warning event per kind run as plain linux;
//   BeforeNodes  creates the host bridges of kind bridge nodes (tagged, so only ours are removed)
//                and the veths between two of them; writes (or, `false`, removes)
//                mgmt.external-access's DOCKER-USER rules; links each running ext-container's
//                namespace to /run/netns and wires its links whose other end runs; re-creates the
//                veth of a host-end link (bridge port, host, mgmt-net) whose host end was removed
//                out of band while its node runs;
//   NodeStarted  /run/netns/<container>, the node's host-end links (the host end named as
//                written, a port of its bridge or of the management network's bridge), waits
//                until every veth peer runs (links wired), then the node's exec commands in
//                order — a failing one fails the node with its output (a node whose peer, a
//                node or an ext-container, does not run yet waits for it); addresses a node's exec
//                put on its link ends are put back when a restarted peer (or a host end removed
//                out of band) re-creates the link (kept in the files directory across labd
//                restarts); the node's firewall baseline (lab reset) is taken again after exec;
//   AllReady     holds Ready until every ext-container runs (labd never creates one; the Docker
//                event watcher learns their names, so their start or stop reconciles the lab);
//   AfterTearDown removes the host ends, veths between bridges, labd's ends in ext-containers,
//                netns links, host bridges and the external-access rules; on delete, the files
//                directory.
#pragma once

#include <memory>
#include <string>

#include "controller/runtime/event_recorder.h"
#include "drivers/docker/engine.h"
#include "drivers/docker/watched_containers.h"
#include "reconcilers/providers/docker/docker_realisation.h"
#include "store/store.h"

namespace labctl::reconcilers {

struct ContainerlabOptions {
  std::string labs_dir;  // DATA_DIR/labs: each lab's files directory is <labs_dir>/<lab>
  runtime::EventRecorder* events = nullptr;  // warnings about the lab; null: logged only
  // false: no host bridges, veths or /run/netns links, only what goes through the engine (exec):
  // tests on the FakeEngine, whose containers have no namespaces.
  bool host_network = true;
  // Told each lab's ext-containers on every pass (and forgets the lab at teardown), so that the
  // Docker event watcher reconciles the lab when one of them starts or stops; null: not told.
  docker::WatchedContainers* ext_containers = nullptr;
};

// The containerlab source alone, for a provider that composes it (provider netlab hands it the
// clab.yml netlab generated).
std::unique_ptr<RealisationSource> MakeContainerlabSource(docker::DockerEngine& engine,
                                                          ContainerlabOptions clab,
                                                          const DockerRealisationOptions& options);

std::unique_ptr<DockerRealisation> MakeContainerlabProvider(store::Store& store,
                                                            docker::DockerEngine& engine,
                                                            ContainerlabOptions clab,
                                                            DockerRealisationOptions options = {});

}  // namespace labctl::reconcilers
