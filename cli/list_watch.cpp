#include "cli/list_watch.h"

#include <thread>

namespace labctl::cli {

using json = nlohmann::json;

std::string ListResourceVersion(const json& list) {
  if (list.contains("/metadata/resourceVersion"_json_pointer)) {
    const json& rv = list.at("/metadata/resourceVersion"_json_pointer);
    if (rv.is_string() && !rv.get<std::string>().empty()) return rv;
    if (rv.is_number_integer()) return std::to_string(rv.get<int64_t>());
  }
  long long best = -1;
  if (list.contains("items") && list["items"].is_array())
    for (const auto& item : list["items"]) {
      try {
        best = std::max(best, std::stoll(api::ResourceVersion(item)));
      } catch (...) {  // opaque, non-numeric: cannot compare
      }
    }
  return best < 0 ? "" : std::to_string(best);
}

namespace {

std::vector<json> Items(const json& list, const std::string& name) {
  std::vector<json> out;
  if (!list.contains("items") || !list["items"].is_array()) return out;
  for (const auto& item : list["items"])
    if (name.empty() || api::Name(item) == name) out.push_back(item);
  return out;
}

bool DeadlinePassed(const ListWatchOptions& o) {
  return o.deadline && std::chrono::steady_clock::now() >= *o.deadline;
}

}  // namespace

api::Status ListAndWatch(client::Client& c, const ListWatchOptions& options,
                         const ListWatchHandlers& handlers) {
  bool relist = false;
  int broken_streams = 0;
  while (true) {
    auto list = c.List(options.kind, options.label_selector);
    if (!list.ok()) return list.status();
    if (!handlers.on_list(Items(*list, options.name), relist)) return api::Status::Ok();
    std::string rv = ListResourceVersion(*list);
    bool stopped = false;
    while (true) {
      if (DeadlinePassed(options)) return api::Status::Timeout("deadline passed");
      client::WatchParams params;
      params.resource_version = rv;
      params.label_selector = options.label_selector;
      params.name = options.name;
      params.bookmarks = true;
      params.deadline = options.deadline;
      auto started = std::chrono::steady_clock::now();
      auto st = c.Watch(options.kind, params, [&](const json& event) {
        const json& object = event.contains("object") ? event["object"] : json::object();
        std::string event_rv = api::ResourceVersion(object);
        if (!event_rv.empty()) rv = event_rv;
        std::string type = event.value("type", "");
        if (type == "BOOKMARK") return true;
        broken_streams = 0;
        if (!handlers.on_event(type, object)) {
          stopped = true;
          return false;
        }
        return true;
      });
      if (stopped) return api::Status::Ok();
      if (st.code() == api::Code::kGone) break;  // re-list
      if (st.code() == api::Code::kTimeout) return st;
      if (!st.ok()) {
        // A stream that broke after running a while is resumed from the last resourceVersion;
        // only quick successive failures (labd gone) end the watch.
        if (std::chrono::steady_clock::now() - started > std::chrono::seconds(5))
          broken_streams = 0;
        if (st.code() != api::Code::kUnavailable || ++broken_streams > 3) return st;
        std::this_thread::sleep_for(std::chrono::milliseconds(200 * broken_streams));
      }
    }
    relist = true;
  }
}

}  // namespace labctl::cli
