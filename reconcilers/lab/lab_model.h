// LabModel: a Lab object's spec read into plain structs for the Lab reconciler, with the
// defaults the API applies (so objects written before defaulting behave the same), the
// per-node spec hashes, and the "should the lab be up now" decision (runPolicy, heldBy,
// idleTimeoutSeconds, the labctl.dev/stopped annotation). Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/clock.h"
#include "api/object.h"
#include "drivers/docker/engine.h"

namespace labctl::reconcilers {

// Annotations the lifecycle verbs set (labctl lab stop|start|restart|recreate).
inline constexpr char kStoppedAnnotation[] = "labctl.dev/stopped";          // "true": keep down
inline constexpr char kRestartedAtAnnotation[] = "labctl.dev/restartedAt";  // ts: restart all
inline constexpr char kRecreateAnnotation[] = "labctl.dev/recreate";        // "ts" or "ts:node"

struct NetworkModel {
  std::string name;
  std::string subnet;
  std::string ipv6_subnet;
  std::string hash;
};

struct InterfaceModel {
  std::string network;
  std::string ipv4;
  std::string ipv6;
  std::string ifname;
};

struct ReadinessModel {
  std::vector<std::string> exec;
  int period_seconds = 1;
  int timeout_seconds = 60;
};

struct NodeModel {
  std::string name;
  std::string group;
  std::string image;
  std::vector<std::string> command;
  docker::LabelMap env;
  std::vector<std::string> cap_add;
  docker::LabelMap sysctls;
  bool privileged = false;
  std::vector<std::string> binds;
  std::vector<InterfaceModel> interfaces;
  std::vector<std::string> depends_on;
  std::optional<ReadinessModel> readiness;
  std::string hash;  // api::NodeSpecHash
};

struct LabModel {
  std::string name;
  std::string uid;
  int64_t generation = 0;
  std::string provider;
  std::string run_policy;  // Always | OnDemand
  int idle_timeout_seconds = 0;
  std::string spec_hash;
  std::vector<NetworkModel> networks;
  std::vector<NodeModel> nodes;  // skipGroups already applied, in spec order

  const NodeModel* FindNode(const std::string& name) const;
};

LabModel ReadLabModel(const api::json& lab);

// Whether the lab should be up at `now`, and if not, why ("Stopped", "NotHeld", "IdleTimeout").
// `wake_after` is set when the answer changes later by itself (end of the keep-warm window).
struct UpDecision {
  bool up = false;
  std::string reason;
  std::optional<std::chrono::milliseconds> wake_after;
};
UpDecision DecideUp(const api::json& lab, api::TimePoint now);

docker::ContainerSpec ContainerSpecFor(const LabModel& lab, const NodeModel& node);

}  // namespace labctl::reconcilers
