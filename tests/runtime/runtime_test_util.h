// Helpers shared by the runtime tests: a real Store on a fresh temp dir, and a condition wait
// with a generous timeout (tests wait for outcomes, never for fixed durations).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "store/store.h"

namespace labctl::runtime::testutil {

inline constexpr std::chrono::seconds kPatience{20};

// Polls `done` until it holds or `timeout` passes; returns whether it held.
inline bool WaitFor(const std::function<bool()>& done,
                    std::chrono::milliseconds timeout = kPatience) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// A store on its own temp dir (labctl-runtime-test-XXXXXX), removed when the fixture ends.
class TempStore {
 public:
  explicit TempStore(const api::Clock* clock = nullptr) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "labctl-runtime-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    dir_ = tmpl;
    store::Options options;
    options.data_dir = dir_;
    options.clock = clock;
    auto opened = store::Store::Open(options);
    if (!opened.ok()) {
      ADD_FAILURE() << "Store::Open: " << opened.status().ToString();
      return;
    }
    store_ = std::move(opened).value();
  }
  ~TempStore() {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  store::Store& operator*() { return *store_; }
  store::Store* operator->() { return store_.get(); }
  store::Store& get() { return *store_; }

 private:
  std::string dir_;
  std::unique_ptr<store::Store> store_;
};

inline api::json LabNamed(const std::string& name) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Lab"},
          {"metadata", {{"name", name}}},
          {"spec", api::json::object()}};
}

inline api::json SessionFor(const std::string& name, const std::string& lab) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Session"},
          {"metadata", {{"name", name}}},
          {"spec", {{"lab", lab}}}};
}

}  // namespace labctl::runtime::testutil
