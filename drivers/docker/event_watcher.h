// DockerEventWatcher: drift detection from Docker's /events stream.
//
// Streams container events labelled dev.labctl.managed=true and events of networks named
// labctl-* on its own thread and
// calls `on_lab(lab)` for each relevant one (container die/stop/kill/start/destroy/oom, network
// destroy/disconnect), so the lab controller re-reconciles that lab within ~100 ms of the
// change. When the stream breaks (dockerd restarted) it reconnects with back-off (200 ms
// doubling to 5 s) and calls `on_resync()` after every (re)connect: dockerd keeps only its last
// 256 events, so whatever happened while disconnected is found by re-listing, not by the stream.
//
// labd wiring:
//   DockerEventWatcher watcher(engine, [&](const std::string& lab) { lab_controller.Enqueue(lab);
//   },
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

namespace labctl::docker {

// dockerd 20.10 logs "die" before it marks the container stopped, so a reconcile run right at
// the event can still list it as running. Consumers enqueue the lab at once and once more after
// this delay.
inline constexpr std::chrono::milliseconds kDriftRecheckDelay{500};

class DockerEventWatcher {
 public:
  using LabCallback = std::function<void(const std::string& lab)>;
  using ResyncCallback = std::function<void()>;

  DockerEventWatcher(DockerEngine& engine, LabCallback on_lab, ResyncCallback on_resync);
  ~DockerEventWatcher();  // Stop()
  DockerEventWatcher(const DockerEventWatcher&) = delete;
  DockerEventWatcher& operator=(const DockerEventWatcher&) = delete;

  void Start();
  void Stop();
  // Number of successful (re)connects so far (tests).
  int connects() const { return connects_.load(); }

  // Whether an event means the lab may have drifted.
  static bool IsDrift(const EngineEvent& e);
  // The labs an event may concern: a container's lab label; for a network, every lab name its
  // name "labctl-<lab>-<network>" could hold.
  static std::vector<std::string> LabsOf(const EngineEvent& e);

 private:
  void Loop();

  DockerEngine& engine_;
  LabCallback on_lab_;
  ResyncCallback on_resync_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<int> connects_{0};
};

}  // namespace labctl::docker
