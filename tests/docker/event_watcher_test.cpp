// DockerEventWatcher against the FakeEngine: drift events map to labs, reconnects resync.
#include "drivers/docker/event_watcher.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "drivers/docker/naming.h"
#include "tests/support/fake_docker/fake_engine.h"
#include "tests/support/poll.h"

namespace labctl::docker {
namespace {

const std::string kInstance = "labd-test";

TEST(EventWatcherTest, NetworkEventsMapToTheLabOfTheirName) {
  EngineEvent e{"network", "destroy", "id", {{"name", NetworkName("my-lab", "net")}}};
  EXPECT_EQ(DockerEventWatcher::LabsOf(e, kInstance), (std::vector<std::string>{"my-lab"}));
  // Names from before the '.' separator: every split is a candidate.
  EngineEvent old{"network", "destroy", "id", {{"name", "labctl-my-lab-net"}}};
  EXPECT_EQ(DockerEventWatcher::LabsOf(old, kInstance), (std::vector<std::string>{"my", "my-lab"}));
  EngineEvent other{"network", "destroy", "id", {{"name", "bridge"}}};
  EXPECT_TRUE(DockerEventWatcher::LabsOf(other, kInstance).empty());
}

TEST(EventWatcherTest, ContainerEventsOfOtherInstancesAreIgnored) {
  EngineEvent unmanaged{"container", "die", "id", {{kLabelLab, "x"}}};
  EXPECT_TRUE(DockerEventWatcher::LabsOf(unmanaged, kInstance).empty());
  EngineEvent mine{"container", "die", "id", ContainerLabels("x", "u", "n", "h", kInstance)};
  EXPECT_EQ(DockerEventWatcher::LabsOf(mine, kInstance), std::vector<std::string>{"x"});
  EngineEvent theirs{"container", "die", "id", ContainerLabels("x", "u", "n", "h", "labd-other")};
  EXPECT_TRUE(DockerEventWatcher::LabsOf(theirs, kInstance).empty());
  LabelMap before_instances = ContainerLabels("x", "u", "n", "h", "");
  before_instances.erase(kLabelInstance);
  EngineEvent old{"container", "die", "id", before_instances};
  EXPECT_EQ(DockerEventWatcher::LabsOf(old, kInstance), std::vector<std::string>{"x"});
}

// What a lab uses by name (an ext-container) is tracked per lab: replaced on each Set, gone with
// the lab, shared by two labs until both let go.
TEST(EventWatcherTest, WatchedContainersMapNamesToTheLabsUsingThem) {
  WatchedContainers watched;
  watched.Set("a", {"ext1", "ext2"});
  watched.Set("b", {"ext2"});
  EXPECT_EQ(watched.LabsOf("ext1"), std::vector<std::string>{"a"});
  EXPECT_EQ(watched.LabsOf("ext2"), (std::vector<std::string>{"a", "b"}));
  watched.Set("a", {"ext1"});
  EXPECT_EQ(watched.LabsOf("ext2"), std::vector<std::string>{"b"});
  watched.Forget("b");
  EXPECT_TRUE(watched.LabsOf("ext2").empty());
  EXPECT_EQ(watched.LabsOf("ext1"), std::vector<std::string>{"a"});
  watched.Set("a", {});
  EXPECT_TRUE(watched.LabsOf("ext1").empty());
}

TEST(EventWatcherTest, DriftEventsEnqueueTheirLabAndReconnectResyncs) {
  FakeEngine engine;
  std::mutex mu;
  std::condition_variable cv;
  std::multiset<std::string> labs;
  int resyncs = 0;
  DockerEventWatcher watcher(
      engine, kInstance,
      [&](const std::string& lab) {
        std::lock_guard<std::mutex> l(mu);
        labs.insert(lab);
        cv.notify_all();
      },
      [&] {
        std::lock_guard<std::mutex> l(mu);
        ++resyncs;
        cv.notify_all();
      });
  watcher.Start();
  auto wait_for = [&](auto pred) {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, std::chrono::seconds(10), pred);
  };
  ASSERT_TRUE(wait_for([&] { return resyncs == 1; }));
  // The stream may not be open yet when the resync callback runs: emit until seen.
  EXPECT_TRUE(testing::PollUntil([&] {
    engine.EmitEvent({"container", "die", "c1", ContainerLabels("l1", "u", "n", "h", kInstance)});
    std::lock_guard<std::mutex> l(mu);
    return labs.count("l1") > 0;
  }));
  // A node disconnected from any network (here one that is not a lab's): found by the container
  // id the network event carries.
  ASSERT_TRUE(engine.CreateNetwork({"bridge", "10.1.0.0/16", "", "", {}, {}}).ok());
  ContainerSpec node;
  node.name = "labctl-l3.n";
  node.image = "labbox:latest";
  node.labels = ContainerLabels("l3", "u", "n", "h", kInstance);
  node.network = EndpointSpec{"bridge", "", ""};
  ASSERT_TRUE(engine.CreateContainer(node).ok());
  engine.DisconnectByName("labctl-l3.n", "bridge");
  EXPECT_TRUE(wait_for([&] { return labs.count("l3") > 0; }));
  engine.EmitEvent(
      {"container", "exec_start", "c1", ContainerLabels("l2", "u", "n", "h", kInstance)});
  const int calls = engine.calls();
  engine.SetUnavailable(true);  // dockerd goes away...
  // ...the stream ends and the watcher's next probe of the engine fails...
  ASSERT_TRUE(testing::PollUntil([&] { return engine.calls() > calls; }));
  engine.SetUnavailable(false);  // ...and comes back: the watcher reconnects and resyncs
  EXPECT_TRUE(wait_for([&] { return resyncs >= 2; }));
  watcher.Stop();
  std::lock_guard<std::mutex> l(mu);
  EXPECT_EQ(labs.count("l2"), 0u);  // exec is not drift
}

}  // namespace
}  // namespace labctl::docker
