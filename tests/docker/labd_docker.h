// Helpers for tests that run the real labd binary with its Lab controller on a real dockerd:
// start labd on an engine with an orphan-sweep prefix (so it never touches other tests' objects),
// poll a Lab until Ready or gone over the API, and list what labctl left on the engine by label.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/object.h"
#include "client/client.h"
#include "drivers/docker/http_engine.h"
#include "drivers/docker/naming.h"
#include "support/labd_process.h"
#include "tests/support/poll.h"

namespace labctl::testing {

inline constexpr char kSystemDockerHost[] = "unix:///var/run/docker.sock";

// Builds labbox:latest (scripts/build-labbox; a no-op when it is up to date).
inline ::testing::AssertionResult BuildLabbox() {
  auto r = RunProgram({std::string(LABCTL_SOURCE_DIR) + "/scripts/build-labbox"});
  if (r.exit_code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "scripts/build-labbox: " << r.out << r.err;
}

// The labd instance name of tests scoped to `prefix`: the same in every run of them, so a run's
// orphan sweep removes what a killed earlier run left behind.
inline std::string TestInstance(const std::string& prefix) { return "test-" + prefix; }

// labd with the Lab controller on `docker_host` as instance TestInstance(prefix), sweeping
// orphans only of labs named prefix*.
inline LabdProcess::Options DockerLabdOptions(const std::string& docker_host,
                                              const std::string& orphan_prefix,
                                              const std::string& data_dir = "",
                                              const std::string& log_level = "debug") {
  LabdProcess::Options o;
  o.data_dir = data_dir;
  o.extra_args = {
      "--docker-host",       docker_host,   "--instance",       TestInstance(orphan_prefix),
      "--orphan-lab-prefix", orphan_prefix, "--log-level",      log_level,
      "--neops-facade",      "false",       "--lab-controller", "true"};
  return o;
}

inline client::Client LabdClient(const LabdProcess& labd) {
  return client::Client(client::Options{labd.url(), "", std::chrono::milliseconds(10000)});
}

// True once the Lab's Ready condition is True for its current generation.
inline bool IsReadyNow(const api::json& lab) {
  const api::json* c = api::FindCondition(lab, "Ready");
  return c && api::IsConditionTrue(lab, "Ready") &&
         c->value("observedGeneration", int64_t{0}) == api::Generation(lab);
}

// Polls GET until pred(result) or the timeout; `last` gets the last answer. A labd that is not
// answering (restarting) just counts as "not yet".
template <class Pred>
bool PollLab(const LabdProcess& labd, const std::string& name, Pred pred,
             std::chrono::seconds timeout, api::Result<api::json>* last = nullptr) {
  auto client = LabdClient(labd);
  return PollUntil(
      [&] {
        auto lab = client.Get(api::Kind::kLab, name);
        if (last) *last = lab;
        return (lab.ok() || lab.status().code() == api::Code::kNotFound) && pred(lab);
      },
      timeout, std::chrono::milliseconds(100));
}

inline bool PollReady(const LabdProcess& labd, const std::string& name,
                      std::chrono::seconds timeout = std::chrono::seconds(120),
                      api::Result<api::json>* last = nullptr) {
  return PollLab(
      labd, name, [](const api::Result<api::json>& l) { return l.ok() && IsReadyNow(*l); }, timeout,
      last);
}

inline bool PollGone(const LabdProcess& labd, const std::string& name,
                     std::chrono::seconds timeout = std::chrono::seconds(60)) {
  return PollLab(
      labd, name, [](const api::Result<api::json>& l) { return !l.ok(); }, timeout);
}

// Names of labctl-managed containers and networks on `engine` whose lab label starts with
// `prefix` ("?" entries if the engine cannot be listed).
inline std::vector<std::string> LeftoversOf(docker::DockerEngine& engine,
                                            const std::string& prefix) {
  std::vector<std::string> left;
  auto containers = engine.ListContainers(docker::ManagedSelector());
  auto networks = engine.ListNetworks(docker::ManagedSelector());
  if (!containers.ok() || !networks.ok()) return {"? engine not listable"};
  for (const auto& c : *containers)
    if (docker::LabelOf(c.labels, docker::kLabelLab).rfind(prefix, 0) == 0)
      left.push_back("container " + c.name);
  for (const auto& n : *networks)
    if (docker::LabelOf(n.labels, docker::kLabelLab).rfind(prefix, 0) == 0)
      left.push_back("network " + n.name);
  return left;
}

// Removes every labctl object of labs named prefix* (leftovers of killed runs).
inline void SweepPrefix(docker::DockerEngine& engine, const std::string& prefix) {
  auto containers = engine.ListContainers(docker::ManagedSelector());
  if (containers.ok())
    for (const auto& c : *containers)
      if (docker::LabelOf(c.labels, docker::kLabelLab).rfind(prefix, 0) == 0)
        (void)engine.RemoveContainer(c.id, true);
  auto networks = engine.ListNetworks(docker::ManagedSelector());
  if (networks.ok())
    for (const auto& n : *networks)
      if (docker::LabelOf(n.labels, docker::kLabelLab).rfind(prefix, 0) == 0)
        (void)engine.RemoveNetwork(n.id);
}

// The fixture of tests that run the real labd, scoped to labs named `prefix`*, on the system
// dockerd: labbox built once per suite, the test's leftovers swept before and after (Sweep: by
// label; a test that makes host objects adds its own), a temp directory for its files.
class LabdDockerTest : public ::testing::Test {
 protected:
  explicit LabdDockerTest(std::string prefix) : prefix_(std::move(prefix)) {}
  static void SetUpTestSuite() { ASSERT_TRUE(BuildLabbox()); }
  void SetUp() override {
    Sweep();
    labd_ = std::make_unique<LabdProcess>(DockerLabdOptions(kSystemDockerHost, prefix_));
    dir_ = MakeTempDir(prefix_);
  }
  void TearDown() override {
    labd_.reset();
    Sweep();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  virtual void Sweep() { SweepPrefix(engine_, prefix_); }

  CommandResult Labctl(const std::vector<std::string>& args) {
    return RunLabctl(labd_->url(), args);
  }
  // `labctl exec lab/<lab> <node> -- cmd...`
  CommandResult ExecIn(const std::string& lab, const std::string& node,
                       const std::vector<std::string>& cmd) {
    std::vector<std::string> args = {"exec", "lab/" + lab, node, "--"};
    args.insert(args.end(), cmd.begin(), cmd.end());
    return Labctl(args);
  }
  // Polls a command in a node until it succeeds (links and addresses come back after a restart).
  bool PollExecIn(const std::string& lab, const std::string& node,
                  const std::vector<std::string>& cmd,
                  std::chrono::seconds timeout = std::chrono::seconds(60)) {
    return PollUntil([&] { return ExecIn(lab, node, cmd).exit_code == 0; }, timeout,
                     std::chrono::milliseconds(200));
  }

  const std::string prefix_;
  docker::HttpEngine engine_;
  std::unique_ptr<LabdProcess> labd_;
  std::string dir_;
};

}  // namespace labctl::testing
