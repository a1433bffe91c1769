// RunningNodes (running_nodes.h) and how a node's hooks find their link peers through it
// (node_container.h: FindLinkPeer): a peer the pass saw running or is starting costs no Docker
// call; a node is recorded running, with its pid, before its own hooks run. Against the
// FakeEngine.
#include "reconcilers/providers/docker/running_nodes.h"

#include <gtest/gtest.h>

#include "reconcilers/providers/docker/lab_bringup.h"
#include "reconcilers/providers/docker/node_container.h"
#include "tests/support/fake_docker/fake_engine.h"

namespace labctl {
namespace {

using reconcilers::FindLinkPeer;
using reconcilers::LabModel;
using reconcilers::NodeModel;
using reconcilers::RunningNodes;

LabModel TwoNodeLab() {
  LabModel lab;
  lab.name = "rn";
  lab.uid = "uid-rn";
  for (const char* name : {"a", "b"}) {
    NodeModel node;
    node.name = name;
    node.container = std::string("rn-") + name;
    node.image = "labbox:latest";
    lab.nodes.push_back(node);
  }
  lab.running = std::make_shared<RunningNodes>();
  return lab;
}

TEST(RunningNodesTest, APeerThePassKnowsIsFoundWithoutAskingDocker) {
  docker::FakeEngine engine;
  LabModel lab = TwoNodeLab();
  lab.running->Running("a", "id-a", 4242);
  lab.running->Starting("b");
  EXPECT_EQ(FindLinkPeer(engine, lab, "a").pid, 4242);
  const auto b = FindLinkPeer(engine, lab, "b");
  EXPECT_EQ(b.pid, 0);
  EXPECT_TRUE(b.starting);
  EXPECT_EQ(engine.calls(), 0);
  // Forgotten (its start failed): unknown again, so Docker is asked (it has no such container).
  lab.running->Forget("a");
  const auto a = FindLinkPeer(engine, lab, "a");
  EXPECT_EQ(a.pid, 0);
  EXPECT_FALSE(a.starting);
  EXPECT_GT(engine.calls(), 0);
}

// Of two nodes starting at once at least one must see the other running from its hooks: a node
// is recorded running (with its pid) before they run, and starting while its container starts.
TEST(RunningNodesTest, ANodeIsRunningBeforeItsHooksRun) {
  docker::FakeEngine engine;
  LabModel lab = TwoNodeLab();
  RunningNodes::Node seen;
  int container_pid = 0;
  reconcilers::StartHooks hooks;
  hooks.network = [&](const LabModel& l, const NodeModel& node, const docker::ContainerInfo& c) {
    seen = l.running->Find(node.name);
    container_pid = c.pid;
    return api::Status::Ok();
  };
  auto s = reconcilers::EnsureNodeRunning(engine, lab, lab.nodes[0], std::nullopt, {}, hooks,
                                          api::TimePoint{});
  ASSERT_TRUE(s.error_reason.empty()) << s.message;
  EXPECT_EQ(seen.state, RunningNodes::State::kRunning);
  EXPECT_GT(container_pid, 0);
  EXPECT_EQ(seen.pid, container_pid);
  EXPECT_EQ(seen.container_id, s.container_id);
}

// A node is starting from before its container is created: a peer's hook that looks it up
// between its create and its start must not ask Docker (that inspect waits out the start). A
// failed create forgets it again.
class CreateObservingEngine : public docker::FakeEngine {
 public:
  api::Result<std::string> CreateContainer(const docker::ContainerSpec& spec) override {
    seen = lab->running->Find("a").state;
    if (fail) return api::Status::Internal("create refused");
    return FakeEngine::CreateContainer(spec);
  }
  const LabModel* lab = nullptr;
  bool fail = false;
  RunningNodes::State seen = RunningNodes::State::kUnknown;
};

TEST(RunningNodesTest, ANodeIsStartingWhileItsContainerIsCreated) {
  CreateObservingEngine engine;
  LabModel lab = TwoNodeLab();
  engine.lab = &lab;
  auto s = reconcilers::EnsureNodeRunning(engine, lab, lab.nodes[0], std::nullopt, {}, {},
                                          api::TimePoint{});
  ASSERT_TRUE(s.error_reason.empty()) << s.message;
  EXPECT_EQ(engine.seen, RunningNodes::State::kStarting);
  EXPECT_EQ(lab.running->Find("a").state, RunningNodes::State::kRunning);

  LabModel failing = TwoNodeLab();
  engine.lab = &failing;
  engine.fail = true;
  s = reconcilers::EnsureNodeRunning(engine, failing, failing.nodes[0], std::nullopt, {}, {},
                                     api::TimePoint{});
  EXPECT_EQ(s.error_reason, "CreateFailed");
  EXPECT_EQ(engine.seen, RunningNodes::State::kStarting);
  EXPECT_EQ(failing.running->Find("a").state, RunningNodes::State::kUnknown);
}

}  // namespace
}  // namespace labctl
