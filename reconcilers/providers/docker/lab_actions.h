// DockerLabActions: the Docker side of the API's lab actions — exec in a node (exit code and
// output, buffered or streamed, with stdin given in the request or, when streamed, sent alongside
// by a second request (ExecStdin); a timeout or, when streamed, a client that went away kills the
// process, which Docker itself cannot do, by the host pid that exec-inspect reports), logs (tail,
// follow), packet capture (the host's tcpdump, started with an argv array in the node's network
// namespace, its pcap streamed), inspect (engine document plus the node's addresses, routes, rules
// and qdiscs) and reset (back to the network baseline recorded in NetworkBaselines, then the
// network hook re-applied). A node's container is the one the provider's realisation model names
// (RealisationSource::Model), so this serves every Docker-realised provider. The server has
// already authenticated and authorised the caller. Thread-safe.
#pragma once

#include "api/clock.h"
#include "api/lab_actions.h"
#include "drivers/docker/engine.h"
#include "drivers/docker/exec_runner.h"
#include "reconcilers/providers/docker/exec_stdin_registry.h"
#include "reconcilers/providers/docker/lab_bringup.h"
#include "reconcilers/providers/docker/network_baselines.h"
#include "store/store.h"

namespace labctl::reconcilers {

using api::Status;

class RealisationSource;  // docker_realisation.h

class DockerLabActions : public api::LabActions {
 public:
  // `source` names each node's container. `baselines` and `network_hook` (labd's network hook)
  // are what Reset restores from and re-applies; without them Reset only flushes conntrack and
  // kills exec'd processes.
  DockerLabActions(store::Store& store, docker::DockerEngine& engine, RealisationSource& source,
                   NetworkBaselines* baselines = nullptr, ContainerStartedHook network_hook = {});

  api::Result<api::json> Exec(const std::string& lab, const api::json& request,
                              const api::Principal& who) override;
  api::Result<Stream> ExecStream(const std::string& lab, const api::json& request,
                                 const api::Principal& who) override;
  api::Status ExecStdin(const std::string& lab, const std::string& exec_id, const ByteSource& body,
                        const api::Principal& who) override;
  api::Result<Stream> Logs(const std::string& lab, const Params& params,
                           const api::Principal& who) override;
  api::Result<Stream> Capture(const std::string& lab, const Params& params,
                              const api::Principal& who) override;
  api::Result<api::json> Inspect(const std::string& lab, const Params& params,
                                 const api::Principal& who) override;
  api::Result<api::json> Reset(const std::string& lab, const api::Principal& who) override;

 private:
  struct ExecRequest {
    std::string container;
    std::vector<std::string> cmd;
    docker::ExecControl control;
    api::json stdin;  // buffered: the text (or null); streamed: true to attach stdin
  };
  api::Result<ExecRequest> ParseExec(const std::string& lab, const api::json& request,
                                     bool streamed);
  Status StreamExec(ExecRequest& r, const std::string& lab, const std::string& user,
                    const ByteSink& sink);
  // The node's container (NotFound: the lab runs no such node, or it has no container yet).
  api::Result<docker::ContainerInfo> InspectNode(const api::json& lab, const std::string& node);
  // The node's running container id after checking that the lab and node exist.
  api::Result<std::string> NodeContainer(const std::string& lab, const std::string& node);

  store::Store& store_;
  docker::DockerEngine& engine_;
  RealisationSource& source_;
  NetworkBaselines* baselines_;
  ContainerStartedHook network_hook_;
  ExecStdinRegistry stdin_execs_;
};

}  // namespace labctl::reconcilers
