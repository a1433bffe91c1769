// List-then-watch for labctl (get -w, wait, delete --wait): lists once, then watches from the
// list's resourceVersion with no gap; re-lists when the server answers 410 Gone, and re-watches
// from the last seen resourceVersion when a stream ends or breaks.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/object.h"
#include "api/status.h"
#include "client/client.h"

namespace labctl::cli {

struct ListWatchOptions {
  api::Kind kind = api::Kind::kLab;
  std::string name;  // only this object; empty: all
  std::string label_selector;
  std::optional<std::chrono::steady_clock::time_point> deadline;  // Timeout status after it
};

struct ListWatchHandlers {
  // The (re-)listed objects, after filtering by name; `relist` is true after a 410.
  // Return false to stop.
  std::function<bool(const std::vector<nlohmann::json>& items, bool relist)> on_list;
  // Each ADDED/MODIFIED/DELETED event; return false to stop.
  std::function<bool(const std::string& type, const nlohmann::json& object)> on_event;
};

// Runs until a handler returns false (OK), the deadline passes (Timeout) or a hard error.
api::Status ListAndWatch(client::Client& c, const ListWatchOptions& options,
                         const ListWatchHandlers& handlers);

// The list's resourceVersion, or the highest numeric one among its items.
std::string ListResourceVersion(const nlohmann::json& list);

}  // namespace labctl::cli
