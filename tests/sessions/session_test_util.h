// Helpers for the session unit tests: a real Store on a temp dir driven by a FakeClock, and
// builders for Session and Lab objects.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "api/clock.h"
#include "api/object.h"
#include "reconcilers/session/session_index.h"
#include "store/store.h"
#include "tests/support/labd_process.h"
#include "tests/support/poll.h"
#include "tests/support/temp_store.h"

namespace labctl::sessiontest {

using api::json;

inline json MakeSession(const std::string& name, const std::string& lab = "", int heartbeat = 300,
                        int queue = 600, int ttl = 3600) {
  json s = {{"apiVersion", api::kApiVersion},
            {"kind", "Session"},
            {"metadata", {{"name", name}}},
            {"spec",
             {{"heartbeatTimeoutSeconds", heartbeat},
              {"queueTimeoutSeconds", queue},
              {"ttlSecondsAfterFinished", ttl}}}};
  if (!lab.empty()) s["spec"]["lab"] = lab;
  return s;
}

inline json MakeLab(const std::string& name, int idle_timeout_seconds = 0) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Lab"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"provider", "docker"},
            {"runPolicy", "OnDemand"},
            {"idleTimeoutSeconds", idle_timeout_seconds}}}};
}

class StoreFixture : public ::testing::Test {
 protected:
  json Get(api::Kind kind, const std::string& name) {
    auto r = store_->Get(kind, name);
    EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
    return r.ok() ? *r : json();
  }
  json Session(const std::string& name) { return Get(api::Kind::kSession, name); }
  std::string Phase(const std::string& name) {
    return Session(name).value("/status/phase"_json_pointer, std::string());
  }
  // As GET shows it: a waiter's position is filled in from the queue's order index.
  int64_t Position(const std::string& name) {
    return reconcilers::QueuePosition(*store_, Session(name));
  }
  std::string HeldBy(const std::string& lab) {
    return Get(api::Kind::kLab, lab).value("/status/heldBy"_json_pointer, std::string());
  }
  bool Exists(api::Kind kind, const std::string& name) { return store_->Get(kind, name).ok(); }
  void Create(api::Kind kind, const json& o) {
    auto r = store_->Create(kind, o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void SetLabReady(const std::string& lab, const std::string& value) {
    json l = Get(api::Kind::kLab, lab);
    api::SetCondition(
        l["status"],
        {"Ready", value, value == "True" ? "Ready" : "Provisioning", "", api::Generation(l)},
        clock_.Now());
    auto r = store_->UpdateStatus(api::Kind::kLab, l);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  api::FakeClock clock_;
  testing::TempStore store_{{.prefix = "session-unit", .clock = &clock_}};
};

}  // namespace labctl::sessiontest
