#include "reconcilers/providers/containerlab/clab_provider.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "api/file_paths.h"
#include "api/text_file.h"
#include "drivers/net/host_bridge.h"
#include "drivers/net/nat.h"
#include "drivers/net/node_network.h"
#include "reconcilers/lab/lab_status.h"
#include "reconcilers/providers/containerlab/bridge_links.h"
#include "reconcilers/providers/containerlab/clab_model.h"
#include "reconcilers/providers/containerlab/external_access.h"
#include "reconcilers/providers/containerlab/host_unwiring.h"
#include "reconcilers/providers/containerlab/link_addresses.h"
#include "reconcilers/providers/containerlab/naming.h"
#include "reconcilers/providers/containerlab/node_exec.h"
#include "reconcilers/providers/docker/node_container.h"

namespace labctl::reconcilers {
namespace {

namespace fs = std::filesystem;
using api::json;
using api::Status;

// An Invalid status's causes folded into its message (events show the message only).
Status WithCauses(const Status& st) {
  if (st.causes().empty()) return st;
  std::string message = st.message() + ":";
  for (const auto& c : st.causes()) message += " " + c.field + ": " + c.message + ";";
  message.pop_back();
  return Status(st.code(), "InvalidTopology", message, st.causes());
}

Status WriteIfChanged(const fs::path& path, const std::string& content) {
  return api::WriteFileIfChanged(path.string(), content);
}

class ContainerlabSource : public RealisationSource {
 public:
  ContainerlabSource(docker::DockerEngine& engine, ContainerlabOptions clab, std::string instance,
                     NetworkBaselines* baselines)
      : engine_(engine),
        clab_(std::move(clab)),
        instance_(std::move(instance)),
        baselines_(baselines),
        addresses_(clab_.labs_dir) {}

  api::Result<LabModel> Model(const json& lab) override {
    auto read = clab::ReadClabLab(lab, clab_.labs_dir);
    if (!read.ok()) return WithCauses(read.status());
    LabModel model = read->model;
    std::lock_guard<std::mutex> l(mu_);
    labs_[model.name] = std::move(*read);
    return model;
  }

  Status Prepare(const json& lab) override {
    const std::string name = api::Name(lab);
    const fs::path dir = clab::LabFilesDir(clab_.labs_dir, name);
    const json spec = lab.value("spec", json::object()).value("containerlab", json::object());
    LABCTL_RETURN_IF_ERROR(
        Written(WriteIfChanged(dir / clab::kTopologyFileName, spec.value("topology", ""))));
    const json files = spec.value("files", json::object());
    for (const auto& [path, content] : files.items()) {
      if (!api::IsSafeRelativePath(path) || !content.is_string())
        return Status(api::Code::kInvalid, "InvalidFiles",
                      "spec.containerlab.files[" + path + "]: not a safe relative path");
      LABCTL_RETURN_IF_ERROR(Written(WriteIfChanged(dir / path, content.get<std::string>())));
    }
    RecordWarnings(lab);
    return Status::Ok();
  }

  Status BeforeNodes(const LabModel& model) override {
    const clab::ClabLab lab = Lab(model.name);
    if (clab_.ext_containers != nullptr) clab_.ext_containers->Set(model.name, lab.ext_containers);
    if (!clab_.host_network) return Status::Ok();
    for (const auto& bridge : lab.bridges) {
      Status st = net::EnsureHostBridge(bridge, BridgeTag(model.name));
      if (!st.ok())
        return Status(st.code(), "HostBridgeFailed", "bridge " + bridge + ": " + st.message());
    }
    LABCTL_RETURN_IF_ERROR(clab::EnsureBridgeLinks(model.name, lab.bridge_links));
    LABCTL_RETURN_IF_ERROR(ApplyExternalAccess(lab, model));
    WireExtContainers(lab, model);
    RepairHostLinks(lab, model);
    return Status::Ok();
  }

  Status NodeStarted(const LabModel& model, const NodeModel& node,
                     const docker::ContainerInfo& info) override {
    const clab::ClabLab lab = Lab(model.name);
    auto exec = lab.exec.find(node.name);
    const bool has_exec = exec != lab.exec.end() && !exec->second.empty();
    if (clab_.host_network) LABCTL_RETURN_IF_ERROR(WireHost(lab, model, node, info.pid));
    LABCTL_RETURN_IF_ERROR(WirePeers(lab, model, node, info.pid, has_exec));
    if (has_exec)
      for (const auto& argv : exec->second)
        LABCTL_RETURN_IF_ERROR(clab::RunNodeExec(engine_, info.id, argv));
    if (!clab_.host_network || !node.OwnsNetworkNamespace()) return Status::Ok();
    RecordLinkAddresses(lab, node, info.pid);
    // Without exec nothing changed the firewall since the network hook's baseline.
    return has_exec ? RetakeBaseline(info) : Status::Ok();
  }

  // An ext-container is no node of the lab's: the lab is Ready only once each one runs.
  Status AllReady(const LabModel& model) override {
    const clab::ClabLab lab = Lab(model.name);
    for (const auto& ext : lab.ext_containers)
      if (!NodePid(lab, model, ext).ok())
        return Status(api::Code::kUnavailable, "ExtContainerNotRunning",
                      "ext-container " + ext + ": container " + ext +
                          " is not running (labd waits for it and never creates it)");
    return Status::Ok();
  }

  Status AfterTearDown(const std::string& lab, TearDownReason why) override {
    if (clab_.ext_containers != nullptr) clab_.ext_containers->Forget(lab);
    const fs::path dir = clab::LabFilesDir(clab_.labs_dir, lab);
    const fs::path topology_file = dir / clab::kTopologyFileName;
    std::error_code ec;
    if (!fs::exists(topology_file, ec)) return Status::Ok();  // not a containerlab lab
    if (clab_.host_network)
      LABCTL_RETURN_IF_ERROR(clab::UnwireHost(engine_, lab, topology_file, BridgeTag(lab)));
    if (clab_.host_network) LABCTL_RETURN_IF_ERROR(clab::RemoveExternalAccess(dir.string()));
    Forget(lab);
    if (why != TearDownReason::kStop) {
      fs::remove_all(dir, ec);
      if (ec) return Status::Internal("cannot remove " + dir.string() + ": " + ec.message());
    }
    return Status::Ok();
  }

 private:
  // /run/netns/<container>, the node's links to the host namespace and its dummy links.
  Status WireHost(const clab::ClabLab& lab, const LabModel& model, const NodeModel& node, int pid) {
    const std::string& lab_name = model.name;
    LABCTL_RETURN_IF_ERROR(net::LinkNetns(node.container, pid));
    for (const auto& link : lab.host_links) {
      if (link.node != node.name) continue;
      auto wired = WireHostEnd(model, link, pid);
      if (!wired.ok()) return wired.status();
    }
    // In the container's namespace: a new container (a restart) needs them again.
    for (const auto& dummy : lab.dummy_links) {
      if (dummy.node != node.name) continue;
      Status st = net::EnsureDummyInterface(pid, dummy.ifname, dummy.mtu,
                                            net::LinkTag(lab_name, dummy.index), dummy.mac);
      if (!st.ok())
        return Status(st.code(), "DummyLinkFailed",
                      "dummy " + node.name + ":" + dummy.ifname + ": " + st.message());
    }
    return Status::Ok();
  }

  // The veth of a link with an end in the host namespace, and that end on its bridge. An
  // interface of the host end's name that labd did not make is left alone and fails the node.
  api::Result<net::WireOutcome> WireHostEnd(const LabModel& model, const clab::HostEndLink& link,
                                            int pid) {
    using Attach = clab::HostEndLink::Attach;
    net::LinkEnd inside{pid, link.ifname, {}, link.mtu, link.mac};
    net::LinkEnd host{net::HostPid(), link.host_ifname, {}, link.mtu, link.host_mac};
    auto wired = net::WireLink(model.name, link.index, inside, host);
    if (!wired.ok()) {
      const Status& st = wired.status();
      const bool conflict = st.code() == api::Code::kConflict;
      return Status(st.code(), conflict ? "InterfaceConflict" : "HostLinkFailed",
                    link.field + ": " + st.message() +
                        (conflict ? " (an interface labd did not create is left alone)" : ""));
    }
    std::string bridge = link.bridge;
    if (link.attach == Attach::kMgmtBridge) {
      auto mgmt = MgmtBridge(model);
      if (!mgmt.ok()) return mgmt.status();
      bridge = *mgmt;
    }
    if (!bridge.empty()) LABCTL_RETURN_IF_ERROR(net::AttachToHostBridge(link.host_ifname, bridge));
    return wired;
  }

  // The Linux bridge of the lab's management network: mgmt.bridge, or Docker's br-<id>.
  api::Result<std::string> MgmtBridge(const LabModel& model) {
    const NetworkModel* network = model.FindNetwork(clab::kMgmtNetwork);
    if (network == nullptr) return Status::NotFound("lab has no management network");
    auto named = network->options.find("com.docker.network.bridge.name");
    if (named != network->options.end()) return named->second;
    auto info = engine_.InspectNetwork(network->docker_name);
    if (!info.ok()) return info.status();
    return "br-" + info->id.substr(0, 12);
  }

  // Drift: a host end removed out of band (the veth goes with it) is made again on the next
  // pass for a running node, and what the node's exec had put on its end is put back (exec does
  // not run again). Failures are logged: the node's next start reports them.
  void RepairHostLinks(const clab::ClabLab& lab, const LabModel& model) {
    for (const auto& link : lab.host_links) {
      auto exists = net::HostInterfaceExists(link.host_ifname);
      if (!exists.ok() || *exists) continue;  // the cheap check on every pass
      auto pid = NodePid(lab, model, link.node);
      if (!pid.ok()) continue;
      auto wired = WireHostEnd(model, link, *pid);
      Status st = wired.ok() ? Status::Ok() : wired.status();
      if (wired.ok() && wired->created) {
        spdlog::info("lab={} node={} host link {} re-created", model.name, link.node,
                     link.host_ifname);
        auto recorded = addresses_.Recorded(model, link.node, link.ifname);
        if (!recorded.empty()) st = net::AddInterfaceAddresses(*pid, link.ifname, recorded);
      }
      if (!st.ok())
        spdlog::warn("lab={} node={} host link {}: {}", model.name, link.node, link.host_ifname,
                     st.message());
    }
  }

  // The network hook took the node's firewall baseline before exec ran; what exec set up is part
  // of the node as its topology describes it, so a reset (lab_reset.h) must keep it.
  Status RetakeBaseline(const docker::ContainerInfo& info) {
    if (baselines_ == nullptr) return Status::Ok();
    auto snapshot = net::SnapshotNetworkState(info.pid);
    if (!snapshot.ok()) return snapshot.status();
    return baselines_->Put(info.id, *snapshot);
  }

  static Status Written(const Status& st) {
    return st.ok() ? st : Status(st.code(), "LabFilesFailed", st.message());
  }

  // The ifalias of the host bridges this labd made for `lab`.
  std::string BridgeTag(const std::string& lab) const {
    return "labctl:" + instance_ + ":" + lab + ":bridge";
  }

  clab::ClabLab Lab(const std::string& name) {
    std::lock_guard<std::mutex> l(mu_);
    return labs_[name];
  }

  // One Warning event per kind run as plain linux, once per generation of the lab.
  void RecordWarnings(const json& lab) {
    const std::string key =
        api::Name(lab) + "/" + api::Uid(lab) + "/" + std::to_string(api::Generation(lab));
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!warned_.insert(key).second) return;
    }
    auto read = clab::ReadClabLab(lab, clab_.labs_dir);
    if (!read.ok()) return;  // the pass reports it
    for (const auto& w : read->warnings) {
      spdlog::warn("lab={} {}", api::Name(lab), w);
      if (clab_.events) clab_.events->Warning(lab, "KindNotApplied", w);
    }
  }

  // The links to running peers are wired (the network hook did those between the lab's containers
  // whose peer ran already; WireLink is idempotent), and what a peer's own exec configured on its
  // end is put back if the end was re-created. A node with exec runs it once its links exist: it
  // waits until every veth peer runs. Without exec it waits only for ext-containers: a lab node
  // that runs later wires the link itself (its network hook), an ext-container does not.
  Status WirePeers(const clab::ClabLab& lab, const LabModel& model, const NodeModel& node, int pid,
                   bool has_exec) {
    for (const auto* links : {&lab.model.links, &lab.ext_links})
      for (const auto& link : *links) {
        if (link.node_a != node.name && link.node_b != node.name) continue;
        const bool self_is_a = link.node_a == node.name;
        const std::string& peer = self_is_a ? link.node_b : link.node_a;
        auto peer_pid = NodePid(lab, model, peer);
        if (!peer_pid.ok() && (has_exec || IsExt(lab, peer))) return WaitingFor(lab, peer, link);
        if (!peer_pid.ok()) continue;
        if (!clab_.host_network) continue;
        auto wired = WireVeth(lab, link, self_is_a ? pid : *peer_pid, self_is_a ? *peer_pid : pid,
                              node.name);
        if (!wired.ok()) return wired.status();
      }
    return Status::Ok();
  }

  // The node waits for its link peer (not a failure): it is brought up again when other nodes
  // came up, or on the next pass.
  Status WaitingFor(const clab::ClabLab& lab, const std::string& peer, const net::LinkPlan& link) {
    const bool ext = IsExt(lab, peer);
    return Status(api::Code::kUnavailable, kWaitingForPeer,
                  "waiting for " + std::string(ext ? "ext-container " : "") + peer + " to run" +
                      (ext ? " (container " + peer + ", which labd does not create)" : "") +
                      " (link " + link.node_a + ":" + link.ifname_a + " - " + link.node_b + ":" +
                      link.ifname_b + ")");
  }

  // Wires a veth between two running containers; its ends get back what their node's exec had
  // put on them, but for node `starting`'s (whose exec is about to run).
  api::Result<net::WireOutcome> WireVeth(const clab::ClabLab& lab, const net::LinkPlan& link,
                                         int pid_a, int pid_b, const std::string& starting) {
    net::LinkEnd a{pid_a, link.ifname_a, {}, link.mtu, link.mac_a};
    net::LinkEnd b{pid_b, link.ifname_b, {}, link.mtu, link.mac_b};
    auto wired = net::WireLink(lab.model.name, link.index, a, b);
    if (!wired.ok()) return wired;
    for (const auto* end : {&a, &b}) {
      const std::string& node = end == &a ? link.node_a : link.node_b;
      if (node == starting) continue;
      auto recorded = addresses_.Recorded(lab.model, node, end->ifname);
      if (!recorded.empty())
        LABCTL_RETURN_IF_ERROR(net::AddInterfaceAddresses(end->pid, end->ifname, recorded));
    }
    return wired;
  }

  static bool IsExt(const clab::ClabLab& lab, const std::string& node) {
    return std::find(lab.ext_containers.begin(), lab.ext_containers.end(), node) !=
           lab.ext_containers.end();
  }

  // The pid of the node's running container (an ext-container's found by its name, a lab node's
  // from what the pass knows, node_container.h); Unavailable when it does not run.
  api::Result<int> NodePid(const clab::ClabLab& lab, const LabModel& model,
                           const std::string& node) {
    if (!IsExt(lab, node)) {
      const LinkPeer peer = FindLinkPeer(engine_, model, node);
      if (peer.pid <= 0) return Status::Unavailable(node + " is not running");
      return peer.pid;
    }
    auto info = engine_.InspectContainer(node);
    if (!info.ok()) return info.status();
    if (!info->running || info->pid <= 0) return Status::Unavailable(node + " is not running");
    return info->pid;
  }

  // Each running ext-container gets its /run/netns link, and its veths whose other end runs
  // (both ext-containers, or a node that started earlier) are wired; failures are logged, the
  // nodes' own starts report theirs.
  void WireExtContainers(const clab::ClabLab& lab, const LabModel& model) {
    if (lab.ext_containers.empty()) return;
    for (const auto& ext : lab.ext_containers)
      if (auto pid = NodePid(lab, model, ext); pid.ok())
        if (Status st = net::LinkNetns(ext, *pid); !st.ok())
          spdlog::warn("lab={} ext-container={} netns link: {}", model.name, ext, st.message());
    for (const auto& link : lab.ext_links) {
      auto pid_a = NodePid(lab, model, link.node_a);
      auto pid_b = NodePid(lab, model, link.node_b);
      if (!pid_a.ok() || !pid_b.ok()) continue;
      auto wired = WireVeth(lab, link, *pid_a, *pid_b, "");
      if (!wired.ok())
        spdlog::warn("lab={} link {}:{} - {}:{}: {}", model.name, link.node_a, link.ifname_a,
                     link.node_b, link.ifname_b, wired.status().message());
    }
  }

  Status ApplyExternalAccess(const clab::ClabLab& lab, const LabModel& model) {
    const bool wanted = lab.topology.mgmt.external_access;
    std::string bridge;
    if (wanted) {
      auto mgmt = MgmtBridge(model);
      if (!mgmt.ok()) return mgmt.status();
      bridge = *mgmt;
    }
    Status st = clab::ApplyExternalAccess(clab::LabFilesDir(clab_.labs_dir, model.name), model.name,
                                          wanted, bridge);
    return st.ok()
               ? st
               : Status(st.code(), "ExternalAccessFailed", "mgmt.external-access: " + st.message());
  }

  void RecordLinkAddresses(const clab::ClabLab& lab, const NodeModel& node, int pid) {
    std::vector<std::string> ends;  // the node's interfaces on veth and host-end links
    for (const auto* links : {&lab.model.links, &lab.ext_links})
      for (const auto& link : *links) {
        if (link.node_a == node.name) ends.push_back(link.ifname_a);
        if (link.node_b == node.name) ends.push_back(link.ifname_b);
      }
    for (const auto& link : lab.host_links)
      if (link.node == node.name) ends.push_back(link.ifname);
    addresses_.Record(lab.model, node.name, pid, ends);
  }

  // What this source keeps about a torn-down lab: its model, warnings and link addresses.
  void Forget(const std::string& lab) {
    std::lock_guard<std::mutex> l(mu_);
    auto of_lab = [&](const std::string& key) { return key.rfind(lab + "/", 0) == 0; };
    std::erase_if(warned_, of_lab);
    labs_.erase(lab);
    addresses_.Forget(lab);
  }

  docker::DockerEngine& engine_;
  ContainerlabOptions clab_;
  std::string instance_;
  NetworkBaselines* baselines_;
  std::mutex mu_;
  std::map<std::string, clab::ClabLab> labs_;  // by lab name: the last model read
  std::set<std::string> warned_;               // lab/uid/generation already warned about
  clab::LinkAddresses addresses_;
};

}  // namespace

std::unique_ptr<RealisationSource> MakeContainerlabSource(docker::DockerEngine& engine,
                                                          ContainerlabOptions clab,
                                                          const DockerRealisationOptions& options) {
  return std::make_unique<ContainerlabSource>(engine, std::move(clab), options.instance,
                                              options.baselines);
}

std::unique_ptr<DockerRealisation> MakeContainerlabProvider(store::Store& store,
                                                            docker::DockerEngine& engine,
                                                            ContainerlabOptions clab,
                                                            DockerRealisationOptions options) {
  auto source = MakeContainerlabSource(engine, std::move(clab), options);
  return std::make_unique<DockerRealisation>(store, engine, std::move(source), std::move(options));
}

}  // namespace labctl::reconcilers
