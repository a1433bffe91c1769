// Helpers for the store tests: store opening on a temp data dir, object builders and a
// watch-event collector.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store.h"
#include "tests/support/temp_store.h"

namespace labctl::store::testing {

// A fresh directory removed with everything in it on destruction (the shared test fixture).
using ::labctl::testing::TempDir;

inline std::unique_ptr<Store> OpenOrDie(Options options) {
  auto store = Store::Open(options);
  if (!store.ok()) {
    ADD_FAILURE() << "Open: " << store.status().ToString();
    return nullptr;
  }
  return std::move(store).value();
}

inline std::unique_ptr<Store> OpenOrDie(const std::string& dir) {
  Options o;
  o.data_dir = dir;
  return OpenOrDie(o);
}

inline json Lab(const std::string& name, json spec = {{"provider", "docker"}},
                json labels = nullptr) {
  json o = {{"apiVersion", "labctl.dev/v1alpha1"},
            {"kind", "Lab"},
            {"metadata", {{"name", name}}},
            {"spec", std::move(spec)}};
  if (!labels.is_null()) o["metadata"]["labels"] = std::move(labels);
  return o;
}

inline uint64_t Rv(const json& o) { return std::stoull(api::ResourceVersion(o)); }

inline const char* TypeName(WatchEvent::Type t) {
  switch (t) {
    case WatchEvent::kAdded:
      return "ADDED";
    case WatchEvent::kModified:
      return "MODIFIED";
    case WatchEvent::kDeleted:
      return "DELETED";
    case WatchEvent::kBookmark:
      return "BOOKMARK";
    case WatchEvent::kError:
      return "ERROR";
  }
  return "?";
}

// "ADDED a", "DELETED b", "ERROR Expired"...
inline std::string Describe(const WatchEvent& e) {
  if (e.type == WatchEvent::kError) return std::string("ERROR ") + e.error.reason();
  return std::string(TypeName(e.type)) + " " + (e.object ? api::Name(*e.object) : "");
}

// Polls until `n` events arrived (waiting up to 10 s for each) or the watch closed/timed out.
inline std::vector<WatchEvent> Collect(Watch& w, size_t n) {
  std::vector<WatchEvent> out;
  while (out.size() < n) {
    WatchEvent e;
    if (w.Poll(&e, std::chrono::seconds(10)) != Watch::Next::kEvent) break;
    out.push_back(std::move(e));
  }
  return out;
}

inline std::vector<std::string> Describe(const std::vector<WatchEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(Describe(e));
  return out;
}

// True if no event is pending right now (short poll).
inline bool NothingPending(Watch& w) {
  WatchEvent e;
  return w.Poll(&e, std::chrono::milliseconds(100)) == Watch::Next::kTimeout;
}

}  // namespace labctl::store::testing
