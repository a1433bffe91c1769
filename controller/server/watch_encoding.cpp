#include "controller/server/watch_encoding.h"

#include <functional>
#include <mutex>

namespace labctl::server {
namespace {

const char* TypeName(store::WatchEvent::Type type) {
  switch (type) {
    case store::WatchEvent::kAdded:
      return "ADDED";
    case store::WatchEvent::kModified:
      return "MODIFIED";
    case store::WatchEvent::kDeleted:
      return "DELETED";
    case store::WatchEvent::kBookmark:
      return "BOOKMARK";
    case store::WatchEvent::kError:
      return "ERROR";
  }
  return "ERROR";
}

std::string Line(const char* type, const std::string& object) {
  std::string line;
  line.reserve(object.size() + 32);
  line += "{\"type\":\"";
  line += type;
  line += "\",\"object\":";
  line += object;
  line += "}\n";
  return line;
}

}  // namespace

std::string WatchEncoder::Bookmark(api::Kind kind, uint64_t revision) {
  api::json object = {{"kind", api::KindName(kind)},
                      {"apiVersion", api::kApiVersion},
                      {"metadata", {{"resourceVersion", std::to_string(revision)}}}};
  return Line("BOOKMARK", object.dump());
}

std::string WatchEncoder::ObjectLine(store::WatchEvent::Type type, const api::json& object) {
  return Line(TypeName(type), object.dump());
}

std::shared_ptr<const std::string> WatchEncoder::Encode(api::Kind kind,
                                                        const store::WatchEvent& event) {
  if (event.type == store::WatchEvent::kBookmark) {
    return std::make_shared<const std::string>(Bookmark(kind, event.revision));
  }
  if (event.type == store::WatchEvent::kError || !event.object) {
    return std::make_shared<const std::string>(Line("ERROR", event.error.ToJson().dump()));
  }
  // The store's own serialization: no lock, so 1000 streams woken by one event do not queue on
  // a slot mutex.
  if (event.text)
    return std::make_shared<const std::string>(Line(TypeName(event.type), *event.text));
  Slot& slot = slots_[std::hash<const void*>()(event.object.get()) % kSlots];
  std::lock_guard<std::mutex> lock(slot.mu);
  if (slot.object != event.object || slot.type != event.type) {
    slot.line =
        std::make_shared<const std::string>(Line(TypeName(event.type), event.object->dump()));
    slot.object = event.object;
    slot.type = event.type;
  }
  return slot.line;
}

}  // namespace labctl::server
