// RunningNodes: what one convergence pass of a Docker-realised lab knows of its nodes'
// containers — those it saw running (container id, init pid) and those it is creating or
// starting right now (from before the create: a peer found between its create and its start
// would be asked of Docker, and that inspect waits out the whole start). The hooks that wire a
// node's links look their peers up here first: asking Docker means an inspect, and dockerd holds a
// container's lock for its whole start, so inspecting a peer that another worker is starting blocks
// for seconds on a loaded host and holds the worker (in a 100-node chain that was most of labd's
// own work per node).
//
// A peer that is starting needs nothing from the node that looks it up: its own hooks run once
// it runs, and find this node running (Running is recorded before a node's hooks run, so of two
// nodes starting at once at least one sees the other). A peer the pass has not seen is Unknown:
// the caller asks Docker. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace labctl::reconcilers {

class RunningNodes {
 public:
  enum class State { kUnknown, kStarting, kRunning };
  struct Node {
    State state = State::kUnknown;
    std::string container_id;
    int pid = 0;
  };

  void Starting(const std::string& node);
  void Running(const std::string& node, const std::string& container_id, int pid);
  // The node's start failed or its container is not running: nothing is known of it.
  void Forget(const std::string& node);
  Node Find(const std::string& node) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, Node> nodes_;
};

}  // namespace labctl::reconcilers
