// Helpers for the labctl e2e tests: a labd per test, manifests written to temp files, status
// updates through the client library (as a reconciler would make them), and labctl runs in the
// background whose output is read from a file while they run.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/client.h"
#include "support/labd_process.h"
#include "tests/support/poll.h"

namespace labctl::e2e {

using json = nlohmann::json;

// Unique per process and call, DNS-1123: "e2e-<pid>-<n>".
std::string UniqueName(const std::string& prefix = "e2e");
// A small valid Lab manifest (YAML) with a label `step: <step>`; OnDemand, so nothing starts.
std::string LabYaml(const std::string& name, const std::string& step = "one",
                    const std::string& image = "labbox:latest");
// Writes `text` to DIR/NAME and returns the path.
std::string WriteFile(const std::string& dir, const std::string& name, const std::string& text);
using testing::PollUntil;  // tests/support
using testing::ReadFile;

// Read-modify-write of an object's status via PUT .../status, retried on 409.
void UpdateStatus(client::Client& c, api::Kind kind, const std::string& name,
                  const std::function<void(json& object)>& mutate);
// Read-modify-write of the main resource via PUT, retried on 409.
void UpdateObject(client::Client& c, api::Kind kind, const std::string& name,
                  const std::function<void(json& object)>& mutate);

// labctl running in the background with stdout+stderr going to a file.
class BackgroundLabctl {
 public:
  BackgroundLabctl(const std::string& server, const std::vector<std::string>& args);
  ~BackgroundLabctl();  // kills (SIGTERM) if still running
  std::string Output() const { return ReadFile(out_path_); }
  // Waits for exit (up to `limit`); returns the exit code, or -1 if it did not exit.
  int Wait(std::chrono::milliseconds limit = std::chrono::seconds(60));
  void Kill();

 private:
  std::string out_path_;
  int pid_ = -1;
  int exit_code_ = -1;
};

// A test fixture with a fresh labd and a client for it.
class LabctlE2eTest : public ::testing::Test {
 protected:
  void SetUp() override;
  testing::CommandResult Labctl(const std::vector<std::string>& args, const std::string& input = "",
                                const std::map<std::string, std::string>& env = {});
  std::string url() const { return labd_->url(); }

  std::unique_ptr<testing::LabdProcess> labd_;
  std::unique_ptr<client::Client> client_;
  std::string tmp_;
};

}  // namespace labctl::e2e
