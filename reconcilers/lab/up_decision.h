// UpDecision: whether a Lab should be up now — runPolicy, status.heldBy, idleTimeoutSeconds after
// status.releasedAt, and the labctl.dev/stopped annotation — and the annotations the lifecycle
// verbs set (labctl lab stop|start|restart|recreate). Provider-independent. Pure: no I/O.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "api/clock.h"
#include "api/object.h"

namespace labctl::reconcilers {

inline constexpr char kStoppedAnnotation[] = "labctl.dev/stopped";          // "true": keep down
inline constexpr char kRestartedAtAnnotation[] = "labctl.dev/restartedAt";  // ts: restart all
inline constexpr char kRecreateAnnotation[] = "labctl.dev/recreate";        // "ts" or "ts/node"

// Whether the lab should be up at `now`, and if not, why ("Stopped", "NotHeld", "IdleTimeout",
// "WarmPoolTemplate": a lab with spec.warmPool runs as its spares, not itself, unless held).
// `wake_after` is set when the answer changes later by itself (end of the keep-warm window).
struct UpDecision {
  bool up = false;
  std::string reason;
  std::optional<std::chrono::milliseconds> wake_after;
};
UpDecision DecideUp(const api::json& lab, api::TimePoint now);

}  // namespace labctl::reconcilers
