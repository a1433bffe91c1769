#include "reconcilers/providers/netlab/netlab_provider.h"

#include <pwd.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <optional>

#include "api/join.h"
#include "api/lab_spec.h"
#include "api/text_file.h"
#include "drivers/docker/naming.h"
#include "drivers/docker/network_overlap.h"
#include "drivers/netlab/lab_bookkeeping.h"
#include "drivers/netlab/multilab_ids.h"
#include "reconcilers/providers/containerlab/clab_model.h"
#include "reconcilers/providers/containerlab/clab_provider.h"
#include "reconcilers/providers/docker/node_container.h"
#include "reconcilers/providers/netlab/initial_record.h"
#include "reconcilers/providers/netlab/netlab_inputs.h"
#include "reconcilers/providers/netlab/netlab_nodes.h"

namespace labctl::reconcilers {
namespace {

namespace fs = std::filesystem;
using api::json;
using api::Status;

constexpr char kGeneratedTopology[] = "clab.yml";          // what `netlab create -p clab` writes
constexpr char kInputsFile[] = ".labctl-netlab-inputs";    // InputsHash of the last create
constexpr char kInitialFile[] = ".labctl-netlab-initial";  // the realisation initial configured
constexpr char kInitialLog[] = "netlab-initial.log";       // the last `netlab initial` output
constexpr int kInspectWorkers = 8;  // the nodes' containers inspected at once before initial

class NetlabSource : public RealisationSource {
 public:
  NetlabSource(store::Store& store, docker::DockerEngine& engine, NetlabProviderOptions opts,
               const DockerRealisationOptions& options)
      : store_(store),
        engine_(engine),
        opts_(std::move(opts)),
        cli_(opts_.cli),
        ids_(opts_.ids_dir),
        clab_(MakeContainerlabSource(engine,
                                     {.labs_dir = opts_.labs_dir,
                                      .events = opts_.events,
                                      .host_network = opts_.host_network},
                                     options)) {
    // netlab's check (a second or two of Python start-up) runs in the background from the
    // start, not in the first lab's bring-up; a failure is checked again by each pass.
    warmup_ = std::async(std::launch::async, [this] { (void)CheckAvailable(); }).share();
  }

  Status Prepare(const json& lab) override {
    warmup_.wait();
    LABCTL_RETURN_IF_ERROR(CheckAvailable());
    auto inputs = ReadNetlabInputs(lab);
    if (!inputs.ok()) return inputs.status();
    const std::string dir = Dir(api::Name(lab));
    Status written = WriteNetlabInputs(dir, *inputs);
    if (!written.ok()) return Status(written.code(), "LabFilesFailed", written.message());
    std::optional<std::vector<docker::NetworkInfo>> others;  // read when the first id is asked
    auto id = ids_.Claim(dir, [&](int id) {
      if (!others) others = NetworksElsewhere(api::Uid(lab));
      return IdTaken(*others, id);
    });
    if (!id.ok()) return id.status();
    Remember(lab);
    LABCTL_RETURN_IF_ERROR(Create(lab, dir, *inputs, *id));
    if (!HasNodeFacts(dir)) LABCTL_RETURN_IF_ERROR(KeepNodeFacts(cli_, dir));
    auto view = ClabView(lab);
    if (!view.ok()) return view.status();
    return clab_->Prepare(*view);
  }

  api::Result<LabModel> Model(const json& lab) override {
    auto view = ClabView(lab);
    if (!view.ok()) return view.status();
    auto model = clab_->Model(*view);
    if (!model.ok()) return model;
    model->provider = api::kNetlabProvider;
    ApplyNodeFacts(Dir(api::Name(lab)), *model);
    return model;
  }

  Status BeforeNodes(const LabModel& model) override { return clab_->BeforeNodes(model); }

  Status NodeStarted(const LabModel& model, const NodeModel& node,
                     const docker::ContainerInfo& info) override {
    return clab_->NodeStarted(model, node, info);
  }

  Status AllReady(const LabModel& model) override {
    const std::string dir = Dir(model.name);
    auto current = Realisation(model);
    if (!current.ok()) return current.status();
    const auto done = InitialRecord::FromJson(api::ReadTextFileOrEmpty(dir + "/" + kInitialFile));
    std::vector<std::pair<std::string, std::string>> links;
    for (const auto& l : model.links) links.emplace_back(l.node_a, l.node_b);
    const auto nodes = NodesToConfigure(done, *current, links);
    if (nodes && nodes->empty()) return Status::Ok();
    const std::vector<std::string> limit =
        nodes ? std::vector<std::string>(nodes->begin(), nodes->end()) : std::vector<std::string>{};
    auto run = cli_.Initial(dir, limit);
    if (!run.ok()) return Unavailable(run.status());
    (void)api::WriteFileAtomically(dir + "/" + kInitialLog, run->out + run->err);
    if (!run->ok()) return Status(api::Code::kUnavailable, "NetlabInitialFailed", run->Summary());
    Event(model.name, false, "NetlabInitial",
          run->Summary() + (limit.empty() ? "" : " (--limit " + run->argv.back() + ")") + "\n" +
              run->OutputTail(20));
    RecordStarted(model.name, dir);
    return api::WriteFileAtomically(dir + "/" + kInitialFile, current->ToJson().dump());
  }

  Status AfterTearDown(const std::string& lab, TearDownReason why) override {
    const std::string dir = Dir(lab);
    const auto id = ids_.Find(dir);
    std::error_code ec;
    if (!id && !fs::exists(fs::path(dir) / kInputsFile, ec)) return Status::Ok();  // not ours
    LABCTL_RETURN_IF_ERROR(clab_->AfterTearDown(lab, why));
    if (id) LABCTL_RETURN_IF_ERROR(netlab::RemoveLabStatus(StatusFile(), netlab::LabId(*id)));
    if (why == TearDownReason::kStop) {
      auto generated = netlab::DefaultGeneratedFiles();
      generated.insert(generated.end(),
                       {api::kContainerlabTopologyFile, kInputsFile, kInitialFile, kNetlabNodesFile,
                        netlab::kNodesDumpFile, std::string(kGeneratedTopology)});
      return netlab::RemoveGeneratedFiles(dir, generated);
    }
    fs::remove_all(dir, ec);
    if (ec) return Status::Internal("cannot remove " + dir + ": " + ec.message());
    LABCTL_RETURN_IF_ERROR(ids_.Release(dir));
    std::lock_guard<std::mutex> l(mu_);
    labs_.erase(lab);
    return Status::Ok();
  }

 private:
  std::string Dir(const std::string& lab) const { return clab::LabFilesDir(opts_.labs_dir, lab); }

  // netlab's status file under the HOME netlab runs with: --netlab-home, else labd's HOME, else
  // the user's home directory (Python's expanduser falls back to it too).
  std::string StatusFile() const {
    std::string home = opts_.cli.home;
    if (const char* env = std::getenv("HOME"); home.empty() && env) home = env;
    if (const passwd* pw = ::getpwuid(::geteuid()); home.empty() && pw) home = pw->pw_dir;
    return netlab::StatusFilePath(home);
  }

  static Status Unavailable(const Status& st) {
    return Status(api::Code::kUnavailable, "ProviderUnavailable", st.message());
  }

  // netlab and the programs it runs must be there; a success is kept (checked once), a failure
  // is checked again on the next pass (netlab may have been installed meanwhile).
  Status CheckAvailable() {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (available_) return Status::Ok();
    }
    auto version = cli_.Version();
    if (!version.ok())
      return Unavailable(Status::Unavailable("netlab is not available (" +
                                             version.status().message() +
                                             "): install netlab or start labd with --netlab PATH"));
    auto missing = netlab::MissingHostTools();
    if (!missing.empty())
      return Unavailable(
          Status::Unavailable("netlab needs " + api::Join(missing, ", ") + " on labd's PATH"));
    spdlog::info("netlab {} found ({})", *version, opts_.cli.program);
    std::lock_guard<std::mutex> l(mu_);
    available_ = true;
    return Status::Ok();
  }

  // What a new lab's multilab id must stay clear of: the Docker engine's networks that are not
  // this Lab's (a `netlab up` lab, a Docker lab's), and the networks every other Lab in the store
  // asks for, running or not (e.g. a Docker lab on 192.168.101.0/24 that is stopped now: an id
  // on its subnet would make it fail with SubnetOverlaps when it starts), named "lab <name>".
  std::vector<docker::NetworkInfo> NetworksElsewhere(const std::string& uid) const {
    std::vector<docker::NetworkInfo> out;
    if (auto networks = engine_.ListNetworks({}); networks.ok())
      for (auto& n : *networks)
        if (docker::LabelOf(n.labels, docker::kLabelUid) != uid) out.push_back(std::move(n));
    for (const auto& other : store_.List(api::Kind::kLab).items) {
      if (api::Uid(other) == uid) continue;
      docker::NetworkInfo wanted;
      wanted.name = "lab " + api::Name(other);
      for (const auto& n : api::ReadLabObjectSpec(other).networks)
        wanted.subnets.push_back(n.subnet);
      out.push_back(std::move(wanted));
    }
    return out;
  }

  // Whether multilab id `id` is busy among `others` (NetworksElsewhere): one of them is named
  // nl_mgmt_<id> (e.g. `netlab up` with that id) or shares addresses with 192.168.<id>.0/24.
  static bool IdTaken(const std::vector<docker::NetworkInfo>& others, int id) {
    docker::NetworkSpec mgmt;
    mgmt.name = "nl_mgmt_" + std::to_string(id);
    mgmt.subnet = "192.168." + std::to_string(id) + ".0/24";
    for (const auto& n : others)
      if (n.name == mgmt.name) return true;
    return !docker::OverlappingNetworks(others, mgmt).empty();
  }

  // `netlab create` unless the files it generated are those of these inputs.
  Status Create(const json& lab, const std::string& dir, const NetlabInputs& inputs, int id) {
    const auto settings = ImageSettings(inputs);
    const std::string hash = InputsHash(inputs, id, settings);
    const fs::path hash_file = fs::path(dir) / kInputsFile;
    std::error_code ec;
    if (api::ReadTextFileOrEmpty(hash_file.string()) == hash &&
        fs::exists(fs::path(dir) / kGeneratedTopology, ec))
      return Status::Ok();
    fs::remove(hash_file, ec);
    fs::remove(fs::path(dir) / kNetlabNodesFile, ec);  // read again from what this create makes
    auto run = cli_.Create(dir, {inputs.topology_name, id, settings});
    if (!run.ok()) return Unavailable(run.status());
    if (!run->ok()) return Status(api::Code::kUnavailable, "NetlabCreateFailed", run->Summary());
    Event(api::Name(lab), false, "NetlabCreated",
          run->Summary() + " (multilab id " + std::to_string(id) + ")");
    return api::WriteFileAtomically(hash_file.string(), hash);
  }

  // The Lab as the containerlab source reads it: its topology is the generated clab.yml.
  api::Result<json> ClabView(const json& lab) const {
    auto text = api::ReadTextFile(Dir(api::Name(lab)) + "/" + kGeneratedTopology);
    if (!text.ok())
      return Status(api::Code::kUnavailable, "NetlabNotCreated",
                    "netlab has not generated " + std::string(kGeneratedTopology) + " yet");
    json view = lab;
    view["spec"] = {{"provider", api::kContainerlabProvider},
                    {api::kContainerlabProvider, {{"topology", *text}}}};
    return view;
  }

  // What `netlab initial` would configure now: every node's current container start.
  api::Result<InitialRecord> Realisation(const LabModel& model) {
    InitialRecord record{model.uid, model.generation, {}};
    auto containers = InspectNodeContainers(engine_, model.name, model.uid, kInspectWorkers);
    if (!containers.ok()) return containers.status();
    for (const auto& node : model.nodes) {
      auto it = containers->find(node.name);
      if (it == containers->end())
        return Status::NotFound("node " + node.name + " of lab " + model.name +
                                " has no container");
      record.nodes[node.name] = it->second.id + "@" + it->second.started_at;
    }
    return record;
  }

  // The lab in netlab's status file, as `netlab up` leaves it.
  void RecordStarted(const std::string& lab, const std::string& dir) {
    const auto id = ids_.Find(dir);
    if (!id) return;
    Status st = netlab::RecordLabStarted(StatusFile(), netlab::LabId(*id), dir,
                                         "ml-" + std::to_string(*id));
    if (!st.ok()) spdlog::warn("lab={} netlab status not recorded: {}", lab, st.message());
  }

  void Remember(const json& lab) {
    std::lock_guard<std::mutex> l(mu_);
    labs_[api::Name(lab)] = lab;
  }

  void Event(const std::string& lab, bool warning, const std::string& reason,
             const std::string& message) {
    spdlog::info("lab={} reason={} {}", lab, reason, message);
    if (!opts_.events) return;
    json object;
    {
      std::lock_guard<std::mutex> l(mu_);
      auto it = labs_.find(lab);
      if (it == labs_.end()) return;
      object = it->second;
    }
    warning ? opts_.events->Warning(object, reason, message)
            : opts_.events->Normal(object, reason, message);
  }

  store::Store& store_;
  docker::DockerEngine& engine_;
  NetlabProviderOptions opts_;
  netlab::NetlabCli cli_;
  netlab::MultilabIds ids_;
  std::unique_ptr<RealisationSource> clab_;
  std::mutex mu_;
  bool available_ = false;
  std::map<std::string, json> labs_;  // by name: the Lab last prepared (for its events)
  std::shared_future<void> warmup_;   // the first CheckAvailable; last: waited for first
};

}  // namespace

std::string NetlabProviderOptions::DefaultMultilabIdsDir() {
  if (::geteuid() == 0) return "/run/labctl/netlab-ids";
  return "/tmp/labctl-netlab-ids-" + std::to_string(::geteuid());
}

std::unique_ptr<DockerRealisation> MakeNetlabProvider(store::Store& store,
                                                      docker::DockerEngine& engine,
                                                      NetlabProviderOptions netlab,
                                                      DockerRealisationOptions options) {
  auto source = std::make_unique<NetlabSource>(store, engine, std::move(netlab), options);
  return std::make_unique<DockerRealisation>(store, engine, std::move(source), std::move(options));
}

}  // namespace labctl::reconcilers
