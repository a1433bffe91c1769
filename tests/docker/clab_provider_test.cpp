// Provider containerlab (clab_provider.h) through the Lab reconciler, against the FakeEngine and
// a real Store on a temp dir, with the host-network steps off (the fake's containers have no
// namespaces; tests/docker/labd_containerlab_test.cpp runs them for real): containerlab's names
// and labels, the lab's files written beside its topology, exec after every veth peer runs and
// in order, a failing exec failing its node with its output, the warning for a kind run as
// linux, and the files directory gone with the Lab.
#include "reconcilers/providers/containerlab/clab_provider.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>

#include "controller/runtime/event_recorder.h"
#include "docker/fake_lab_test.h"
#include "drivers/docker/naming.h"
#include "support/labd_process.h"

namespace labctl {
namespace {

using api::json;
namespace fs = std::filesystem;

constexpr const char* kTopology = R"(
name: cl1
mgmt: {network: cl1-mgmt, ipv4-subnet: 172.29.250.0/24}
topology:
  defaults: {kind: linux, image: labbox:latest, binds: [cfg/hosts:/etc/hosts:ro]}
  nodes:
    a: {exec: ["ip addr add 10.0.0.1/24 dev eth1", "touch /a-done"]}
    b: {exec: ["ip addr add 10.0.0.2/24 dev eth1"]}
    r: {kind: ceos}
  links:
    - endpoints: ["a:eth1", "b:eth1"]
)";

json Lab(const std::string& topology) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Lab"},
          {"metadata", {{"name", "cl1"}}},
          {"spec",
           {{"provider", "containerlab"},
            {"runPolicy", "Always"},
            {"containerlab",
             {{"topology", topology}, {"files", {{"cfg/hosts", "127.0.0.1 localhost\n"}}}}}}}};
}

// A topology of lab cl1 whose nodes (YAML lines under topology.nodes) default to linux/labbox.
std::string LinuxNodes(const std::string& nodes) {
  return R"(name: cl1
mgmt: {network: cl1-mgmt, ipv4-subnet: 172.29.250.0/24}
topology:
  defaults: {kind: linux, image: labbox:latest}
  nodes:)" +
         nodes;
}

class ClabProviderTest : public testing::FakeLabTest {
 protected:
  void SetUp() override {
    labs_dir_ = testing::MakeTempDir("clabprov-labs");
    events_ = std::make_unique<runtime::EventRecorder>(*store_, clock_, "test");
    provider_ = reconcilers::MakeContainerlabProvider(
        *store_, engine_, {.labs_dir = labs_dir_, .events = events_.get(), .host_network = false});
    reconciler_ = std::make_unique<reconcilers::LabReconciler>(
        *store_, reconcilers::LabProviders{{"containerlab", provider_.get()}}, clock_, nullptr);
    engine_.SetExecHandler(
        [this](const std::string& container, const std::vector<std::string>& cmd) {
          std::lock_guard<std::mutex> l(mu_);
          std::string line = container + ":";
          for (const auto& w : cmd) line += " " + w;
          execs_.push_back(line);
          return fail_ && cmd[0] == "ip" && container.find("-b") != std::string::npos
                     ? docker::ExecResult{2, "", "RTNETLINK answers: File exists\n"}
                     : docker::ExecResult{0, "", ""};
        });
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(labs_dir_, ec);
  }
  std::vector<std::string> Execs() {
    std::lock_guard<std::mutex> l(mu_);
    return execs_;
  }
  json NodeStatus(const std::string& node) {
    const json lab = Get("cl1");
    for (const auto& n : lab["status"]["nodes"])
      if (n["name"] == node) return n;
    return json::object();
  }

  std::string labs_dir_;
  std::unique_ptr<runtime::EventRecorder> events_;
  std::mutex mu_;
  std::vector<std::string> execs_;
  bool fail_ = false;
};

TEST_F(ClabProviderTest, ATopologyComesUpWithContainerlabsNamesFilesAndExecInOrder) {
  ASSERT_TRUE(store_->Create(api::Kind::kLab, Lab(kTopology)).ok());
  Settle("cl1", 20);
  json lab = Get("cl1");
  ASSERT_TRUE(api::IsConditionTrue(lab, "Ready")) << lab["status"].dump(2);
  EXPECT_EQ(engine_.ContainerNames(),
            (std::vector<std::string>{"clab-cl1-a", "clab-cl1-b", "clab-cl1-r"}));
  EXPECT_EQ(engine_.NetworkNames(), (std::vector<std::string>{"cl1-mgmt"}));
  auto a = engine_.FindContainer("clab-cl1-a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->spec.labels.at("clab-node-name"), "a");
  EXPECT_EQ(docker::LabelOf(a->info.labels, docker::kLabelLab), "cl1");
  EXPECT_EQ(a->spec.env.at("CLAB_INTFS"), "1");
  ASSERT_EQ(a->spec.binds.size(), 1u);
  EXPECT_EQ(a->spec.binds[0], labs_dir_ + "/cl1/cfg/hosts:/etc/hosts:ro");
  EXPECT_EQ(testing::ReadFile(labs_dir_ + "/cl1/cfg/hosts"), "127.0.0.1 localhost\n");
  EXPECT_EQ(testing::ReadFile(labs_dir_ + "/cl1/topology.clab.yml"), kTopology);
  // Each node's exec ran once, in order (a node whose peer did not run yet waited for it).
  std::vector<std::string> of_a;
  int of_b = 0;
  for (const auto& e : Execs()) {
    if (e.rfind("clab-cl1-a:", 0) == 0) of_a.push_back(e.substr(11));
    if (e.rfind("clab-cl1-b:", 0) == 0) ++of_b;
  }
  EXPECT_EQ(of_a,
            (std::vector<std::string>{" ip addr add 10.0.0.1/24 dev eth1", " touch /a-done"}));
  EXPECT_EQ(of_b, 1);
  // The kind whose own logic is not applied is said so in a Warning event.
  bool warned = false;
  for (const auto& e : store_->List(api::Kind::kEvent).items)
    if (e.value("reason", "") == "KindNotApplied" &&
        e.value("message", "").find("kind ceos") != std::string::npos)
      warned = true;
  EXPECT_TRUE(warned);
  // Deleting the Lab removes its containers, network and files directory.
  ASSERT_TRUE(store_->Delete(api::Kind::kLab, "cl1").ok());
  Settle("cl1");
  EXPECT_TRUE(engine_.ContainerNames().empty());
  EXPECT_TRUE(engine_.NetworkNames().empty());
  EXPECT_FALSE(fs::exists(labs_dir_ + "/cl1"));
}

// One worker brings a up before b exists: a waits for its peer (no failure, no back-off) and is
// wired in the same pass once b came up.
TEST_F(ClabProviderTest, ANodeWaitingForItsPeerIsBroughtUpInTheSamePass) {
  reconciler_ = std::make_unique<reconcilers::LabReconciler>(
      *store_, reconcilers::LabProviders{{"containerlab", provider_.get()}}, clock_, nullptr,
      reconcilers::LabReconcilerOptions{.workers = 1});
  ASSERT_TRUE(store_->Create(api::Kind::kLab, Lab(kTopology)).ok());
  runtime::ReconcileResult first = reconciler_->Reconcile("cl1");
  EXPECT_TRUE(first.status.ok()) << first.status.ToString();
  json lab = Get("cl1");
  EXPECT_TRUE(api::IsConditionTrue(lab, "Ready")) << lab["status"].dump(2);
  for (const auto& e : store_->List(api::Kind::kEvent).items)
    EXPECT_EQ(e.value("message", "").find("waiting for"), std::string::npos) << e.dump();
}

// A peer that does not come up: the node waits for it (not failed); the lab's failure is the
// peer's own.
TEST_F(ClabProviderTest, ANodeWhosePeerCannotRunWaitsForItWithoutFailing) {
  engine_.SetImages({"labbox:latest"});
  std::string topology = kTopology;
  topology.replace(topology.find("b: {exec"), 8, "b: {image: missing:1, exec");
  ASSERT_TRUE(store_->Create(api::Kind::kLab, Lab(topology)).ok());
  (void)reconciler_->Reconcile("cl1");
  json a = NodeStatus("a");
  EXPECT_EQ(a.value("ready", true), false) << a.dump();
  EXPECT_NE(a.value("message", "").find("waiting for b to run"), std::string::npos) << a.dump();
  json lab = Get("cl1");
  for (const auto& c : lab["status"]["conditions"]) {
    if (c["type"] == "Provisioned") {
      EXPECT_EQ(c.value("reason", ""), "ImageNotFound") << c.dump();
    }
  }
  for (const auto& e : store_->List(api::Kind::kEvent).items)
    EXPECT_NE(e.value("reason", ""), "PostStartFailed") << e.dump();
}

// A node without exec has nothing to run once its links exist: it does not wait for a link
// peer (the peer wires the link from its side once it runs), so it is Ready while its peer
// cannot start.
TEST_F(ClabProviderTest, ANodeWithoutExecDoesNotWaitForItsPeer) {
  engine_.SetImages({"labbox:latest"});
  const std::string topology = LinuxNodes(R"(
    a: {}
    b: {image: missing:1}
  links:
    - endpoints: ["a:eth1", "b:eth1"]
)");
  ASSERT_TRUE(store_->Create(api::Kind::kLab, Lab(topology)).ok());
  (void)reconciler_->Reconcile("cl1");
  json a = NodeStatus("a");
  EXPECT_EQ(a.value("ready", false), true) << a.dump();
  EXPECT_EQ(a.value("message", "").find("waiting for"), std::string::npos) << a.dump();
  EXPECT_EQ(NodeStatus("b").value("ready", true), false);
}

TEST_F(ClabProviderTest, AFailingExecFailsItsNodeWithTheOutput) {
  fail_ = true;
  ASSERT_TRUE(store_->Create(api::Kind::kLab, Lab(kTopology)).ok());
  Settle("cl1", 20);
  json b = NodeStatus("b");
  ASSERT_FALSE(b.empty()) << Get("cl1")["status"].dump(2);
  EXPECT_EQ(b.value("ready", true), false) << b.dump();
  EXPECT_NE(b.value("message", "")
                .find("exec \"ip addr add 10.0.0.2/24 dev eth1\" exited 2: "
                      "RTNETLINK answers: File exists"),
            std::string::npos)
      << b.dump();
  EXPECT_FALSE(api::IsConditionTrue(Get("cl1"), "Ready"));
}

// wait-for: a node's container is made only once what it waits for runs (stage create) or is
// Ready (stage healthy); the waiting node says what it waits for.
TEST_F(ClabProviderTest, WaitForOrdersTheStartOfNodes) {
  engine_.SetImages({"labbox:latest"});
  std::string topology = LinuxNodes(R"(
    db: {image: missing:1}
    app: {stages: {create: {wait-for: [{node: db, stage: healthy}]}}}
    web: {wait-for: [app]}
)");
  ASSERT_TRUE(store_->Create(api::Kind::kLab, Lab(topology)).ok());
  (void)reconciler_->Reconcile("cl1");
  EXPECT_EQ(engine_.ContainerNames(), std::vector<std::string>{});  // db cannot be created
  EXPECT_NE(NodeStatus("app").value("message", "").find("waiting for db"), std::string::npos)
      << NodeStatus("app").dump();
  EXPECT_NE(NodeStatus("web").value("message", "").find("waiting for app to run"),
            std::string::npos)
      << NodeStatus("web").dump();
  engine_.SetImages({"labbox:latest", "missing:1"});
  Settle("cl1", 20);
  EXPECT_TRUE(api::IsConditionTrue(Get("cl1"), "Ready")) << Get("cl1")["status"].dump(2);
  EXPECT_EQ(engine_.ContainerNames(),
            (std::vector<std::string>{"clab-cl1-app", "clab-cl1-db", "clab-cl1-web"}));
}

// startup-delay: the container is created that many seconds after the lab first wanted it; the
// node waits meanwhile (not failed) and the pass comes back for it.
TEST_F(ClabProviderTest, StartupDelayHoldsTheNodesCreation) {
  std::string topology = LinuxNodes(R"(
    now: {}
    later: {startup-delay: 30}
)");
  ASSERT_TRUE(store_->Create(api::Kind::kLab, Lab(topology)).ok());
  runtime::ReconcileResult r = reconciler_->Reconcile("cl1");
  EXPECT_TRUE(r.requeue_after.has_value());
  EXPECT_EQ(engine_.ContainerNames(), std::vector<std::string>{"clab-cl1-now"});
  EXPECT_NE(NodeStatus("later").value("message", "").find("startup-delay: created in 30s"),
            std::string::npos)
      << NodeStatus("later").dump();
  clock_.Advance(std::chrono::seconds(20));
  (void)reconciler_->Reconcile("cl1");
  EXPECT_EQ(engine_.ContainerNames(), std::vector<std::string>{"clab-cl1-now"});
  clock_.Advance(std::chrono::seconds(10));
  Settle("cl1", 5);
  EXPECT_EQ(engine_.ContainerNames(), (std::vector<std::string>{"clab-cl1-later", "clab-cl1-now"}));
  EXPECT_TRUE(api::IsConditionTrue(Get("cl1"), "Ready")) << Get("cl1")["status"].dump(2);
}

}  // namespace
}  // namespace labctl
