#include "drivers/docker/event_watcher.h"

#include <spdlog/spdlog.h>

#include "drivers/docker/docker_metrics.h"
#include "drivers/docker/naming.h"

namespace labctl::docker {

namespace {

// The lab of a managed object's labels, unless it is another labd instance's.
std::string OwnLab(const LabelMap& labels, const std::string& instance) {
  if (LabelOf(labels, kLabelManaged) != "true") return "";
  const std::string owner = LabelOf(labels, kLabelInstance);
  if (!owner.empty() && owner != instance) return "";
  return LabelOf(labels, kLabelLab);
}

}  // namespace

DockerEventWatcher::DockerEventWatcher(DockerEngine& engine, std::string instance,
                                       LabCallback on_lab, ResyncCallback on_resync,
                                       const WatchedContainers* watched)
    : engine_(engine),
      instance_(std::move(instance)),
      on_lab_(std::move(on_lab)),
      on_resync_(std::move(on_resync)),
      watched_(watched) {}

DockerEventWatcher::~DockerEventWatcher() { Stop(); }

void DockerEventWatcher::Start() {
  std::lock_guard<std::mutex> l(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void DockerEventWatcher::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  engine_.StopEvents();
  if (thread_.joinable()) thread_.join();
}

bool DockerEventWatcher::IsDrift(const EngineEvent& e) {
  if (e.type == "container")
    return e.action == "die" || e.action == "stop" || e.action == "kill" || e.action == "start" ||
           e.action == "destroy" || e.action == "oom";
  if (e.type == "network")
    return e.action == "destroy" || e.action == "disconnect" || e.action == "connect";
  return false;
}

std::vector<std::string> DockerEventWatcher::LabsOf(const EngineEvent& e,
                                                    const std::string& instance) {
  if (e.type == "container") {
    std::string lab = OwnLab(e.attributes, instance);
    return lab.empty() ? std::vector<std::string>{} : std::vector<std::string>{lab};
  }
  // Network events carry no labels, only the network's name.
  std::string name = LabelOf(e.attributes, "name");
  if (std::string lab = LabOfNetworkName(name); !lab.empty()) return {lab};
  // An older name "labctl-<lab>-<network>": both names may hold dashes, so every split is a
  // candidate; reconciling a lab that is not in the store only removes this instance's objects.
  const std::string prefix = kNamePrefix;
  if (name.rfind(prefix, 0) != 0) return {};
  std::vector<std::string> labs;
  for (size_t dash = name.find('-', prefix.size()); dash != std::string::npos;
       dash = name.find('-', dash + 1))
    labs.push_back(name.substr(prefix.size(), dash - prefix.size()));
  return labs;
}

std::vector<std::string> DockerEventWatcher::LabsConcerned(const EngineEvent& e) {
  std::vector<std::string> labs = LabsOf(e, instance_);
  if (e.type == "container" && labs.empty() && watched_ != nullptr)
    labs = watched_->LabsOf(LabelOf(e.attributes, "name"));
  const std::string container = LabelOf(e.attributes, "container");
  if (e.type == "network" && !container.empty()) {
    // A lab node (dis)connected from any network, a lab network or not. Gone already (the
    // disconnect of a removal): its own destroy event names the lab.
    auto info = engine_.InspectContainer(container);
    if (info.ok())
      if (std::string lab = OwnLab(info->labels, instance_); !lab.empty()) labs.push_back(lab);
  }
  return labs;
}

void DockerEventWatcher::Loop() {
  auto backoff = std::chrono::milliseconds(200);
  bool lost = false;  // the engine went away since the last connect: say when it is back
  for (;;) {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (stopping_) return;
    }
    // Probe first so that a resync only happens once the engine answers again.
    auto version = engine_.Version();
    if (version.ok()) {
      if (lost) RecordEventStreamReconnect();
      RecordEngineUp(true);
      if (lost)
        spdlog::info("docker engine reconnected version={} api={}; resyncing every lab",
                     version->version, version->used_api);
      else
        spdlog::info("docker engine connected version={} api={}", version->version,
                     version->used_api);
      lost = false;
      ++connects_;
      if (on_resync_) on_resync_();
      backoff = std::chrono::milliseconds(200);
      // Unfiltered: dockerd puts no labels on network events, so they are matched by name.
      auto st = engine_.StreamEvents({}, [&](const EngineEvent& e) {
        if (IsDrift(e))
          for (const auto& lab : LabsConcerned(e)) on_lab_(lab);
        std::lock_guard<std::mutex> l(mu_);
        return !stopping_;
      });
      if (!st.ok()) spdlog::warn("docker events stream broke: {}", st.ToString());
      lost = true;
      RecordEngineUp(false);
    } else {
      RecordEngineUp(false);
      spdlog::warn("docker engine unreachable: {}", version.status().message());
    }
    std::unique_lock<std::mutex> l(mu_);
    if (cv_.wait_for(l, backoff, [&] { return stopping_; })) return;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace labctl::docker
