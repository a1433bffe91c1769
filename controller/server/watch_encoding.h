// Watch encoding: one store WatchEvent as one NDJSON line
// `{"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}\n`.
//
// Events of the SQLite store carry the object's stored JSON text, which the line wraps as is (no
// serialization, no lock). For events without it the encoder keeps the lines of recent (object,
// type) pairs, so a change seen by 1,000 watchers is serialised once. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "api/object.h"
#include "store/store.h"

namespace labctl::server {

class WatchEncoder {
 public:
  std::shared_ptr<const std::string> Encode(api::Kind kind, const store::WatchEvent& event);
  // `{"type":"BOOKMARK","object":{"kind":K,"apiVersion":..,"metadata":{"resourceVersion":"N"}}}`
  static std::string Bookmark(api::Kind kind, uint64_t revision);
  // The line of an event whose object is given as JSON (serialized here, not cached).
  static std::string ObjectLine(store::WatchEvent::Type type, const api::json& object);

 private:
  static constexpr size_t kSlots = 256;
  struct Slot {
    std::mutex mu;
    std::shared_ptr<const api::json> object;  // held so its address is not reused meanwhile
    int type = -1;
    std::shared_ptr<const std::string> line;
  };
  Slot slots_[kSlots];
};

}  // namespace labctl::server
