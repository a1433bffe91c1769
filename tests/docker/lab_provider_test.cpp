// The Lab provider seam (reconcilers/lab/lab_provider.h), with two providers defined only in
// this test beside provider docker: "memory" implements LabProvider directly and touches no
// engine at all (the reconciler needs nothing of Docker from a provider), and "mini" reuses the
// Docker realisation (docker_realisation.h) with its own model: its own container names,
// labels and environment, and its own hooks. Against the FakeEngine and a real Store on a temp
// dir.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <vector>

#include "api/object.h"
#include "docker/fake_lab_test.h"
#include "drivers/docker/naming.h"
#include "reconcilers/lab/lab_reconciler.h"
#include "reconcilers/lab/provider_lab_actions.h"
#include "reconcilers/lab/up_decision.h"
#include "reconcilers/providers/docker/docker_realisation.h"

namespace labctl {
namespace {

using api::json;
using reconcilers::LabModel;
using reconcilers::NodeModel;
using reconcilers::TearDownReason;

// Provider "mini": spec.nodes is a list of {name, image}; containers are mini-<lab>-<node> on
// one network mini-<lab>, labelled mini.example/node and told their name in MINI_NODE.
class MiniSource : public reconcilers::RealisationSource {
 public:
  api::Result<LabModel> Model(const json& lab) override {
    LabModel m;
    m.name = api::Name(lab);
    m.uid = api::Uid(lab);
    m.generation = api::Generation(lab);
    m.provider = "mini";
    reconcilers::NetworkModel net;
    net.name = "net";
    net.docker_name = "mini-" + m.name;
    net.subnet = "10.77.0.0/24";
    net.hash = "n1";
    m.networks.push_back(net);
    for (const auto& n : lab["spec"].value("nodes", json::array())) {
      NodeModel node;
      node.name = n.value("name", "");
      node.container = "mini-" + m.name + "-" + node.name;
      node.image = n.value("image", "");
      node.env = {{"MINI_NODE", node.name}};
      node.labels = {{"mini.example/node", node.name}};
      reconcilers::InterfaceModel eth0;
      eth0.network = "net";
      eth0.ipv4 = "10.77.0." + std::to_string(m.nodes.size() + 1);
      eth0.ifname = "eth0";
      node.interfaces.push_back(eth0);
      node.hash = node.image;
      m.nodes.push_back(node);
    }
    return m;
  }
  api::Status Prepare(const json&) override {
    ++prepared;
    return prepare_result;
  }
  api::Status BeforeNodes(const LabModel&) override {
    ++before_nodes;
    return api::Status::Ok();
  }
  api::Status NodeStarted(const LabModel&, const NodeModel& node,
                          const docker::ContainerInfo& info) override {
    std::lock_guard<std::mutex> l(mu);
    started.push_back(info.name.empty() ? node.container : info.name);
    return api::Status::Ok();
  }
  api::Status AllReady(const LabModel& lab) override {
    ++all_ready;
    if (on_all_ready) on_all_ready(lab.name);
    return all_ready_result;
  }
  api::Status AfterTearDown(const std::string& lab, TearDownReason why) override {
    std::lock_guard<std::mutex> l(mu);
    torn_down.push_back({lab, why});
    return api::Status::Ok();
  }

  std::atomic<int> prepared{0}, before_nodes{0}, all_ready{0};
  api::Status all_ready_result, prepare_result;
  std::function<void(const std::string&)> on_all_ready;
  std::mutex mu;
  std::vector<std::string> started;
  std::vector<std::pair<std::string, TearDownReason>> torn_down;
};

// Provider "memory": spec.nodes are entries of a map, "running" once brought up; its actions
// answer Inspect with the node's entry and refuse the rest.
class MemoryProvider : public reconcilers::LabProvider, public api::LabActions {
 public:
  class Pass : public reconcilers::LabPass {
   public:
    Pass(MemoryProvider& p, const json& lab) : p_(p), lab_(api::Name(lab)) {
      for (const auto& n : lab["spec"].value("nodes", json::array()))
        nodes_.push_back({n.value("name", ""), {}, 1});
    }
    const std::vector<reconcilers::ProviderNode>& Nodes() const override { return nodes_; }
    api::Result<std::map<std::string, reconcilers::KeptNode>> Converge(
        const reconcilers::LabRequests&) override {
      std::lock_guard<std::mutex> l(p_.mu);
      std::map<std::string, reconcilers::KeptNode> kept;
      for (const auto& [node, state] : p_.running[lab_]) kept[node] = {"mem-" + node, state};
      return kept;
    }
    api::Status Reset() override { return api::Status::Ok(); }
    reconcilers::NodeState BringUp(const std::string& node,
                                   const std::optional<reconcilers::KeptNode>&,
                                   const reconcilers::NodeState& previous,
                                   api::TimePoint) override {
      std::lock_guard<std::mutex> l(p_.mu);
      p_.running[lab_][node] = "running";
      reconcilers::NodeState s = previous;
      s.container_id = "mem-" + node;
      s.state = "running";
      s.ready = true;
      s.addresses = {{"mem", "192.0.2.1"}};
      return s;
    }

   private:
    MemoryProvider& p_;
    std::string lab_;
    std::vector<reconcilers::ProviderNode> nodes_;
  };

  api::Result<std::unique_ptr<reconcilers::LabPass>> Open(const json& lab,
                                                          reconcilers::LabEventSink) override {
    return std::unique_ptr<reconcilers::LabPass>(std::make_unique<Pass>(*this, lab));
  }
  api::Result<reconcilers::TornDown> TearDown(const std::string& lab, const std::string&,
                                              TearDownReason) override {
    std::lock_guard<std::mutex> l(mu);
    reconcilers::TornDown removed{static_cast<int>(running[lab].size()), 0};
    running.erase(lab);
    return removed;
  }
  api::Result<int> RemoveOrphans(const reconcilers::KeepOwner&) override { return 0; }
  api::LabActions& Actions() override { return *this; }

  api::Result<json> Exec(const std::string&, const json&, const api::Principal&) override {
    return api::Status::BadRequest("memory nodes run nothing");
  }
  api::Result<Stream> Logs(const std::string&, const Params&, const api::Principal&) override {
    return api::Status::BadRequest("memory nodes log nothing");
  }
  api::Result<Stream> Capture(const std::string&, const Params&, const api::Principal&) override {
    return api::Status::BadRequest("memory nodes have no interfaces");
  }
  api::Result<json> Inspect(const std::string& lab, const Params& params,
                            const api::Principal&) override {
    std::lock_guard<std::mutex> l(mu);
    auto node = running[lab].find(params.count("node") ? params.at("node") : "");
    if (node == running[lab].end()) return api::Status::NotFound("no such node");
    return json{{"container", {{"State", node->second}}}};
  }
  api::Result<json> Reset(const std::string&, const api::Principal&) override {
    return json{{"nodes", json::array()}};
  }

  std::mutex mu;
  std::map<std::string, std::map<std::string, std::string>> running;  // lab -> node -> state
};

json MiniLab(const std::string& name) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Lab"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"provider", "mini"},
            {"runPolicy", "Always"},
            {"nodes",
             {{{"name", "a"}, {"image", "labbox:latest"}},
              {{"name", "b"}, {"image", "labbox:latest"}}}}}}};
}

class LabProviderTest : public testing::FakeLabTest {
 protected:
  void SetUp() override {
    auto source = std::make_unique<MiniSource>();
    mini_source_ = source.get();
    docker_ = reconcilers::MakeDockerProvider(*store_, engine_);
    mini_ = std::make_unique<reconcilers::DockerRealisation>(
        *store_, engine_, std::move(source), reconcilers::DockerRealisationOptions{});
    providers_ = {
        {reconcilers::kDockerProvider, docker_.get()}, {"mini", mini_.get()}, {"memory", &memory_}};
    reconciler_ =
        std::make_unique<reconcilers::LabReconciler>(*store_, providers_, clock_, nullptr);
  }

  json Create(const json& lab) {
    auto r = store_->Create(api::Kind::kLab, lab);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : json();
  }

  MiniSource* mini_source_ = nullptr;
  std::unique_ptr<reconcilers::DockerRealisation> docker_, mini_;
  MemoryProvider memory_;
  reconcilers::LabProviders providers_;
};

TEST_F(LabProviderTest, AProviderWithoutAnEngineGetsTheSameLifecycleAndStatusShape) {
  json lab = MiniLab("mem1");
  lab["spec"]["provider"] = "memory";
  Create(lab);
  ASSERT_TRUE(Settle("mem1").status.ok());
  EXPECT_TRUE(engine_.ContainerNames().empty());  // nothing on Docker
  json got = Get("mem1");
  EXPECT_TRUE(api::HasFinalizer(got, api::kTeardownFinalizer));
  EXPECT_EQ(got["status"]["phase"], "Ready");
  EXPECT_TRUE(api::IsConditionTrue(got, "Ready"));
  EXPECT_TRUE(api::IsConditionTrue(got, "Provisioned"));
  ASSERT_EQ(got["status"]["nodes"].size(), 2u);
  EXPECT_EQ(got["status"]["nodes"][1]["name"], "b");
  EXPECT_EQ(got["status"]["nodes"][1]["containerID"], "mem-b");
  EXPECT_EQ(got["status"]["nodes"][1]["ready"], true);
  // The lab's actions reach its provider.
  reconcilers::ProviderLabActions actions(*store_, providers_);
  auto inspected = actions.Inspect("mem1", {{"node", "a"}}, api::Principal{});
  ASSERT_TRUE(inspected.ok()) << inspected.status().ToString();
  EXPECT_EQ((*inspected)["container"]["State"], "running");
  // Stop and delete go through the provider's TearDown.
  json stopped = Get("mem1");
  stopped["metadata"]["annotations"][reconcilers::kStoppedAnnotation] = "true";
  ASSERT_TRUE(store_->Update(api::Kind::kLab, stopped).ok());
  ASSERT_TRUE(Settle("mem1").status.ok());
  EXPECT_EQ(Get("mem1")["status"]["phase"], "Stopped");
  EXPECT_TRUE(memory_.running.count("mem1") == 0);
  ASSERT_TRUE(store_->Delete(api::Kind::kLab, "mem1").ok());
  Settle("mem1");
  EXPECT_FALSE(store_->Get(api::Kind::kLab, "mem1").ok());
}

TEST_F(LabProviderTest, AProviderOutsideTheDockerFolderBringsItsLabUpWithItsOwnNames) {
  Create(MiniLab("m1"));
  Create(testing::TwoNetLab("d1", 9, json::array({testing::Node("gw", {{"a", "10.9.1.1"}})}),
                            "Always"));
  ASSERT_TRUE(Settle("m1").status.ok());
  ASSERT_TRUE(Settle("d1").status.ok());
  EXPECT_EQ(engine_.ContainerNames(),
            (std::vector<std::string>{"labctl-d1.gw", "mini-m1-a", "mini-m1-b"}));
  auto a = engine_.FindContainer("mini-m1-a");
  ASSERT_TRUE(a);
  // Its own labels and environment, and labctl's labels beside them.
  EXPECT_EQ(a->spec.labels.at("mini.example/node"), "a");
  EXPECT_EQ(a->spec.env.at("MINI_NODE"), "a");
  EXPECT_EQ(docker::LabelOf(a->info.labels, docker::kLabelLab), "m1");
  EXPECT_EQ(docker::LabelOf(a->info.labels, docker::kLabelNode), "a");
  ASSERT_EQ(a->endpoints.size(), 1u);
  EXPECT_EQ(a->endpoints[0].network, "mini-m1");
  // The lifecycle is the reconciler's: finalizer, status nodes, conditions, phase.
  json lab = Get("m1");
  EXPECT_TRUE(api::HasFinalizer(lab, api::kTeardownFinalizer));
  EXPECT_EQ(lab["status"]["phase"], "Ready");
  EXPECT_TRUE(api::IsConditionTrue(lab, "Ready"));
  EXPECT_EQ(lab["status"]["nodes"].size(), 2u);
  EXPECT_EQ(lab["status"]["nodes"][0]["addresses"].begin().key(), "net");
  // Its hooks ran: before reading the model, before the nodes, after each start, once Ready.
  EXPECT_GE(mini_source_->prepared, 1);
  EXPECT_GE(mini_source_->before_nodes, 1);
  EXPECT_EQ(mini_source_->started.size(), 2u);
  EXPECT_GE(mini_source_->all_ready, 1);
}

TEST_F(LabProviderTest, DriftIsRepairedAndTheNodeHookRunsAgain) {
  Create(MiniLab("m2"));
  ASSERT_TRUE(Settle("m2").status.ok());
  engine_.KillByName("mini-m2-b");
  ASSERT_TRUE(Settle("m2").status.ok());
  EXPECT_TRUE(engine_.FindContainer("mini-m2-b")->info.running);
  EXPECT_EQ(mini_source_->started.size(), 3u);
  engine_.RemoveByName("mini-m2-a");
  ASSERT_TRUE(Settle("m2").status.ok());
  EXPECT_TRUE(engine_.FindContainer("mini-m2-a"));
  EXPECT_TRUE(api::IsConditionTrue(Get("m2"), "Ready"));
}

TEST_F(LabProviderTest, ActionsResolveTheNodeThroughTheProvidersModel) {
  Create(MiniLab("m3"));
  ASSERT_TRUE(Settle("m3").status.ok());
  std::string exec_container;
  engine_.SetExecHandler([&](const std::string& container, const std::vector<std::string>&) {
    exec_container = container;
    return docker::ExecResult{0, "hi\n", ""};
  });
  reconcilers::ProviderLabActions actions(*store_, providers_);
  auto r = actions.Exec("m3", {{"node", "b"}, {"command", {"echo", "hi"}}}, api::Principal{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["stdout"], "hi\n");
  EXPECT_EQ(exec_container, "mini-m3-b");
  auto missing = actions.Exec("m3", {{"node", "c"}, {"command", {"true"}}}, api::Principal{});
  EXPECT_EQ(missing.status().code(), api::Code::kNotFound);
}

TEST_F(LabProviderTest, TeardownRemovesTheLabAndCallsTheProvidersHook) {
  Create(MiniLab("m4"));
  ASSERT_TRUE(Settle("m4").status.ok());
  ASSERT_TRUE(store_->Delete(api::Kind::kLab, "m4").ok());
  Settle("m4");
  EXPECT_TRUE(engine_.ContainerNames().empty());
  EXPECT_TRUE(engine_.NetworkNames().empty());
  EXPECT_FALSE(store_->Get(api::Kind::kLab, "m4").ok());
  ASSERT_FALSE(mini_source_->torn_down.empty());
  EXPECT_EQ(mini_source_->torn_down.front().first, "m4");
  EXPECT_EQ(mini_source_->torn_down.front().second, TearDownReason::kDelete);
}

TEST_F(LabProviderTest, AnAllReadyFailureKeepsTheLabNotReadyUntilItSucceeds) {
  mini_source_->all_ready_result =
      api::Status(api::Code::kUnavailable, "ConfigureFailed", "devices not configured yet");
  Create(MiniLab("m5"));
  auto r = Settle("m5", 2);
  EXPECT_FALSE(r.status.ok());
  json lab = Get("m5");
  EXPECT_FALSE(api::IsConditionTrue(lab, "Ready"));
  EXPECT_EQ(api::FindCondition(lab, "Ready")->value("reason", ""), "ConfigureFailed");
  mini_source_->all_ready_result = api::Status::Ok();
  ASSERT_TRUE(Settle("m5").status.ok());
  EXPECT_TRUE(api::IsConditionTrue(Get("m5"), "Ready"));
  EXPECT_EQ(Get("m5")["status"]["phase"], "Ready");
}

// Ready means the provider's last step ran too: the progress written while nodes come up (or
// come back after drift) never says Ready before AllReady; a lab that stays up does not flap.
TEST_F(LabProviderTest, ReadyIsNotReportedBeforeTheProvidersLastStep) {
  std::vector<bool> ready_when_called;
  mini_source_->on_all_ready = [&](const std::string& lab) {
    ready_when_called.push_back(api::IsConditionTrue(Get(lab), "Ready"));
  };
  Create(MiniLab("m7"));
  ASSERT_TRUE(Settle("m7").status.ok());
  ASSERT_EQ(ready_when_called, std::vector<bool>{false});
  EXPECT_TRUE(api::IsConditionTrue(Get("m7"), "Ready"));
  engine_.KillByName("mini-m7-b");  // drift: b comes back in the next pass
  ASSERT_TRUE(Settle("m7").status.ok());
  ASSERT_EQ(ready_when_called.size(), 2u);
  EXPECT_FALSE(ready_when_called[1]);
  ASSERT_TRUE(reconciler_->Reconcile("m7").status.ok());  // nothing changed: stays Ready
  ASSERT_EQ(ready_when_called.size(), 3u);
  EXPECT_TRUE(ready_when_called[2]);
}

// A provider that cannot open a pass (its tool missing, its input rejected) shows why on the
// Lab instead of leaving it Pending.
TEST_F(LabProviderTest, APassThatCannotOpenIsAFailedLabWithTheReason) {
  mini_source_->prepare_result =
      api::Status(api::Code::kUnavailable, "ProviderUnavailable", "the tool is not installed");
  Create(MiniLab("m8"));
  EXPECT_FALSE(Settle("m8", 2).status.ok());
  json lab = Get("m8");
  EXPECT_EQ(lab["status"]["phase"], "Failed");
  const json* ready = api::FindCondition(lab, "Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->value("reason", ""), "ProviderUnavailable");
  EXPECT_EQ(ready->value("message", ""), "the tool is not installed");
  mini_source_->prepare_result = api::Status::Ok();
  ASSERT_TRUE(Settle("m8").status.ok());
  EXPECT_TRUE(api::IsConditionTrue(Get("m8"), "Ready"));
}

TEST_F(LabProviderTest, ALabOfAProviderThisLabdDoesNotRunIsLeftAlone) {
  json lab = MiniLab("x1");
  lab["spec"]["provider"] = "netlab";
  Create(lab);
  EXPECT_TRUE(Settle("x1").status.ok());
  EXPECT_FALSE(api::HasFinalizer(Get("x1"), api::kTeardownFinalizer));
  EXPECT_TRUE(engine_.ContainerNames().empty());
  reconcilers::ProviderLabActions actions(*store_, providers_);
  auto r = actions.Exec("x1", {{"node", "a"}, {"command", {"true"}}}, api::Principal{});
  EXPECT_EQ(r.status().code(), api::Code::kConflict);
  EXPECT_NE(r.status().message().find("provider netlab"), std::string::npos);
}

}  // namespace
}  // namespace labctl
