#include "reconcilers/providers/containerlab/clab_provider.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "api/file_paths.h"
#include "api/text_file.h"
#include "drivers/docker/exec_runner.h"
#include "drivers/net/host_bridge.h"
#include "drivers/net/nat.h"
#include "drivers/net/node_network.h"
#include "reconcilers/lab/lab_status.h"
#include "reconcilers/providers/containerlab/clab_model.h"
#include "reconcilers/providers/containerlab/naming.h"
#include "reconcilers/providers/docker/node_container.h"

namespace labctl::reconcilers {
namespace {

namespace fs = std::filesystem;
using api::json;
using api::Status;

constexpr std::chrono::seconds kExecTimeout{300};
constexpr size_t kMaxOutputInMessage = 2000;
constexpr char kAddressesFile[] = ".labctl-link-addresses.json";

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

std::string Truncated(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.size() > kMaxOutputInMessage)
    text = "..." + text.substr(text.size() - kMaxOutputInMessage);
  return text;
}

std::string Joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

class ContainerlabSource : public RealisationSource {
 public:
  ContainerlabSource(docker::DockerEngine& engine, ContainerlabOptions clab, std::string instance,
                     NetworkBaselines* baselines)
      : engine_(engine),
        clab_(std::move(clab)),
        instance_(std::move(instance)),
        baselines_(baselines) {}

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
    if (!clab_.host_network) return Status::Ok();
    const clab::ClabLab lab = Lab(model.name);
    for (const auto& bridge : lab.bridges) {
      Status st = net::EnsureHostBridge(bridge, BridgeTag(model.name));
      if (!st.ok())
        return Status(st.code(), "HostBridgeFailed", "bridge " + bridge + ": " + st.message());
    }
    RepairHostLinks(lab, model);
    return Status::Ok();
  }

  Status NodeStarted(const LabModel& model, const NodeModel& node,
                     const docker::ContainerInfo& info) override {
    const clab::ClabLab lab = Lab(model.name);
    auto exec = lab.exec.find(node.name);
    const bool has_exec = exec != lab.exec.end() && !exec->second.empty();
    if (clab_.host_network) LABCTL_RETURN_IF_ERROR(WireHost(lab, model, node, info.pid));
    LABCTL_RETURN_IF_ERROR(WirePeers(model, node, info.pid, has_exec));
    if (has_exec)
      for (const auto& argv : exec->second) LABCTL_RETURN_IF_ERROR(RunExec(info.id, argv));
    if (!clab_.host_network || !node.OwnsNetworkNamespace()) return Status::Ok();
    RecordLinkAddresses(lab, node, info.pid);
    // Without exec nothing changed the firewall since the network hook's baseline.
    return has_exec ? RetakeBaseline(info) : Status::Ok();
  }

  Status AfterTearDown(const std::string& lab, TearDownReason why) override {
    const fs::path dir = clab::LabFilesDir(clab_.labs_dir, lab);
    const fs::path topology_file = dir / clab::kTopologyFileName;
    std::error_code ec;
    if (!fs::exists(topology_file, ec)) return Status::Ok();  // not a containerlab lab
    if (clab_.host_network) LABCTL_RETURN_IF_ERROR(UnwireHost(lab, topology_file));
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
                                            net::LinkTag(lab_name, dummy.index));
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
    net::LinkEnd inside{pid, link.ifname, {}, link.mtu};
    net::LinkEnd host{net::HostPid(), link.host_ifname, {}, link.mtu};
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
      auto info = InspectNodeContainer(engine_, model.name, model.uid, link.node);
      if (!info.ok() || !info->running || info->pid <= 0) continue;
      auto wired = WireHostEnd(model, link, info->pid);
      Status st = wired.ok() ? Status::Ok() : wired.status();
      if (wired.ok() && wired->created) {
        spdlog::info("lab={} node={} host link {} re-created", model.name, link.node,
                     link.host_ifname);
        auto recorded = RecordedAddresses(model, link.node, link.ifname);
        if (!recorded.empty()) st = net::AddInterfaceAddresses(info->pid, link.ifname, recorded);
      }
      if (!st.ok())
        spdlog::warn("lab={} node={} host link {}: {}", model.name, link.node, link.host_ifname,
                     st.message());
    }
  }

  // What WireHost made, found from the topology the lab was last prepared with (the Lab may be
  // gone from the store): its host bridges (ours only: tagged) and netns links.
  Status UnwireHost(const std::string& lab, const fs::path& topology_file) {
    auto topo = clab::ParseTopology(api::ReadTextFileOrEmpty(topology_file.string()),
                                    {topology_file.string(), lab});
    if (!topo.ok()) return Status::Ok();  // never realised: nothing was made
    // The host ends go with their container's namespace, but not at once: removed here so that
    // none is left behind (only ours: tagged).
    for (const auto& link : clab::HostEndLinks(*topo))
      LABCTL_RETURN_IF_ERROR(
          net::RemoveLinkEnd(lab, link.index, {net::HostPid(), link.host_ifname, {}, 0}));
    for (const auto& [name, node] : topo->nodes) {
      if (node.support == clab::KindSupport::kBridge) {
        auto removed = net::RemoveHostBridge(name, BridgeTag(lab));
        if (!removed.ok()) return removed.status();
      } else if (node.HasContainer()) {
        auto unlinked = net::UnlinkNetns(clab::ContainerName(*topo, name));
        if (!unlinked.ok()) return unlinked.status();
      }
    }
    return Status::Ok();
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

  // The links to running peers are wired (the network hook did those whose peer ran already;
  // WireLink is idempotent), and what a peer's own exec configured on its end is put back if the
  // end was re-created. A node with exec runs it once its links exist: it waits until every veth
  // peer runs. Without exec it does not wait: a peer that runs later wires the link itself.
  Status WirePeers(const LabModel& model, const NodeModel& node, int pid, bool has_exec) {
    for (const auto& link : model.links) {
      if (link.node_a != node.name && link.node_b != node.name) continue;
      const bool self_is_a = link.node_a == node.name;
      const std::string& peer = self_is_a ? link.node_b : link.node_a;
      const LinkPeer peer_container = FindLinkPeer(engine_, model, peer);
      if (peer_container.pid <= 0 && !has_exec) continue;
      if (peer_container.pid <= 0)
        return Status(api::Code::kUnavailable, kWaitingForPeer,
                      "waiting for " + peer + " to run (link " + link.node_a + ":" + link.ifname_a +
                          " - " + link.node_b + ":" + link.ifname_b + ")");
      const int peer_pid = peer_container.pid;
      net::LinkEnd a{self_is_a ? pid : peer_pid, link.ifname_a, {}, link.mtu};
      net::LinkEnd b{self_is_a ? peer_pid : pid, link.ifname_b, {}, link.mtu};
      if (!clab_.host_network) continue;
      auto wired = net::WireLink(model.name, link.index, a, b);
      if (!wired.ok()) return wired.status();
      const std::string& peer_if = self_is_a ? link.ifname_b : link.ifname_a;
      auto recorded = RecordedAddresses(model, peer, peer_if);
      if (!recorded.empty())
        LABCTL_RETURN_IF_ERROR(net::AddInterfaceAddresses(peer_pid, peer_if, recorded));
    }
    return Status::Ok();
  }

  Status RunExec(const std::string& container, const std::vector<std::string>& argv) {
    std::string out, err;
    docker::ExecControl control;
    control.timeout = kExecTimeout;
    auto r = docker::RunExec(engine_, container, argv, docker::CollectOutput(out, err), control);
    const std::string what = "exec \"" + Joined(argv) + "\"";
    if (!r.ok()) return Status(r.status().code(), "ExecFailed", what + ": " + r.status().message());
    if (r->exit_code == 0) return Status::Ok();
    std::string why =
        r->timed_out ? "timed out (killed)" : "exited " + std::to_string(r->exit_code);
    std::string output = Truncated(out + err);
    return Status(api::Code::kInvalid, "ExecFailed",
                  what + " " + why + (output.empty() ? "" : ": " + output));
  }

  // The addresses a node's own exec put on its link ends, kept in memory and in the lab's files
  // directory (so a labd restart still knows them): {"uid": ..., "ends": {"node/ifname": [...]}}.
  fs::path AddressesFile(const std::string& lab) const {
    return fs::path(clab::LabFilesDir(clab_.labs_dir, lab)) / kAddressesFile;
  }

  // Under mu_: the lab's record, read from its file when this labd has none in memory.
  json& AddressRecord(const LabModel& model) {
    json& record = addresses_[model.name];
    if (record.is_object() && record.value("uid", "") == model.uid) return record;
    json stored =
        json::parse(api::ReadTextFileOrEmpty(AddressesFile(model.name).string()), nullptr, false);
    const bool usable = stored.is_object() && stored.value("uid", "") == model.uid &&
                        stored.contains("ends") && stored["ends"].is_object();
    record = usable ? stored : json{{"uid", model.uid}, {"ends", json::object()}};
    return record;
  }

  void RecordLinkAddresses(const clab::ClabLab& lab, const NodeModel& node, int pid) {
    const LabModel& model = lab.model;
    std::vector<std::string> ends;  // the node's interfaces on veth and host-end links
    for (const auto& link : model.links)
      for (const auto& [end_node, ifname] :
           {std::pair{&link.node_a, &link.ifname_a}, std::pair{&link.node_b, &link.ifname_b}})
        if (*end_node == node.name) ends.push_back(*ifname);
    for (const auto& link : lab.host_links)
      if (link.node == node.name) ends.push_back(link.ifname);
    std::lock_guard<std::mutex> l(mu_);
    json& record = AddressRecord(model);
    const json before = record;
    for (const auto& ifname : ends) {
      auto addrs = net::InterfaceAddresses(pid, ifname);
      if (!addrs.ok()) continue;
      json& cidrs = record["ends"][node.name + "/" + ifname] = json::array();
      for (const auto& c : *addrs) cidrs.push_back(c.ToString());
    }
    if (record == before) return;
    Status st = WriteIfChanged(AddressesFile(model.name), record.dump());
    if (!st.ok()) spdlog::warn("lab={} link addresses not kept: {}", model.name, st.message());
  }

  std::vector<api::Cidr> RecordedAddresses(const LabModel& model, const std::string& node,
                                           const std::string& ifname) {
    std::lock_guard<std::mutex> l(mu_);
    const json ends = AddressRecord(model)["ends"];
    std::vector<api::Cidr> out;
    for (const auto& text : ends.value(node + "/" + ifname, json::array()))
      if (auto cidr = text.is_string() ? api::ParseCidr(text.get<std::string>()) : std::nullopt)
        out.push_back(*cidr);
    return out;
  }

  // What this source keeps about a torn-down lab: its model, warnings and link addresses.
  void Forget(const std::string& lab) {
    std::lock_guard<std::mutex> l(mu_);
    auto of_lab = [&](const std::string& key) { return key.rfind(lab + "/", 0) == 0; };
    addresses_.erase(lab);
    std::erase_if(warned_, of_lab);
    labs_.erase(lab);
  }

  docker::DockerEngine& engine_;
  ContainerlabOptions clab_;
  std::string instance_;
  NetworkBaselines* baselines_;
  std::mutex mu_;
  std::map<std::string, clab::ClabLab> labs_;  // by lab name: the last model read
  std::set<std::string> warned_;               // lab/uid/generation already warned about
  std::map<std::string, json> addresses_;      // by lab name: its AddressRecord
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
