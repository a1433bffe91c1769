// DockerEventWatcher: drift detection from Docker's /events stream.
//
// Streams Docker's events on its own thread and calls `on_lab(lab)` for each one that may mean a
// lab of this labd instance drifted, so the lab controller re-reconciles that lab within ~100 ms
// of the change: container die/stop/kill/start/destroy/oom of a container labelled
// dev.labctl.managed=true and not of another instance (docker/naming.h) or of a container a lab
// uses by name (WatchedContainers: an ext-container), network destroy of a
// network named labctl-*, and network connect/disconnect of such a container (found by the
// container id the event carries) or on such a network. When the stream breaks (dockerd restarted)
// it reconnects with back-off (200 ms doubling to 5 s) and calls `on_resync()` after every
// (re)connect: dockerd keeps only its last 256 events, so whatever happened while disconnected is
// found by re-listing, not by the stream.
//
// labd wiring:
//   DockerEventWatcher watcher(engine, instance,
//                              [&](const std::string& lab) { lab_controller.Enqueue(lab); },
//                              [&] { for (auto& lab : store.List(api::Kind::kLab).items)
//                                      lab_controller.Enqueue(api::Name(lab)); });
//   watcher.Start();  ...  watcher.Stop();   // before the controller stops
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drivers/docker/engine.h"
#include "drivers/docker/watched_containers.h"

namespace labctl::docker {

// dockerd 20.10 logs "die" before it marks the container stopped, so a reconcile run right at
// the event can still list it as running. Consumers enqueue the lab at once and once more after
// this delay.
inline constexpr std::chrono::milliseconds kDriftRecheckDelay{500};

class DockerEventWatcher {
 public:
  using LabCallback = std::function<void(const std::string& lab)>;
  using ResyncCallback = std::function<void()>;

  // `instance`: this labd's instance name; containers of other instances are ignored.
  // `watched`: unlabelled containers that labs use (ext-containers), whose events concern those
  // labs; null: none.
  DockerEventWatcher(DockerEngine& engine, std::string instance, LabCallback on_lab,
                     ResyncCallback on_resync, const WatchedContainers* watched = nullptr);
  ~DockerEventWatcher();  // Stop()
  DockerEventWatcher(const DockerEventWatcher&) = delete;
  DockerEventWatcher& operator=(const DockerEventWatcher&) = delete;

  void Start();
  void Stop();
  // Number of successful (re)connects so far (tests).
  int connects() const { return connects_.load(); }

  // Whether an event means the lab may have drifted.
  static bool IsDrift(const EngineEvent& e);
  // The labs an event may concern, from the event alone: a container's lab label (unless another
  // instance's); for a network, the lab of its name "labctl-<lab>.<network>", or every lab an
  // older name "labctl-<lab>-<network>" could hold.
  static std::vector<std::string> LabsOf(const EngineEvent& e, const std::string& instance);

 private:
  void Loop();
  // LabsOf, plus for a network (dis)connect the lab of the container it names, plus the labs
  // that use a watched container.
  std::vector<std::string> LabsConcerned(const EngineEvent& e);

  DockerEngine& engine_;
  const std::string instance_;
  LabCallback on_lab_;
  ResyncCallback on_resync_;
  const WatchedContainers* watched_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<int> connects_{0};
};

}  // namespace labctl::docker
