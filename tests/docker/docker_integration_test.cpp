// Lab reconciler against the real dockerd: bring-up, drift repair, network recreation,
// teardown, missing image, and the HTTP engine's own calls. Every object carries labctl labels
// and a lab name unique to this run; leftovers of killed runs are swept by prefix.
#include <gtest/gtest.h>
#include <unistd.h>

#include "docker/lab_harness.h"
#include "drivers/docker/engine_json.h"

namespace labctl {
namespace {

using api::json;
using testing::LabHarness;
using testing::Node;

// Prefix shared by every lab this binary creates ("dkit" + pid), so the orphan sweep of one run
// removes the leftovers of earlier killed runs but never touches other tests' objects.
const std::string kPrefix = "dkit" + testing::CheckoutTag();
std::string RunPrefix() { return kPrefix + std::to_string(getpid() % 100000) + "-"; }

class DockerIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = testing::RunProgram({std::string(LABCTL_SOURCE_DIR) + "/scripts/build-labbox"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  void SetUp() override {
    harness_ = std::make_unique<LabHarness>(kPrefix);  // sweeps leftovers of killed runs
  }
  void TearDown() override {
    for (const auto& name : created_) {
      (void)harness_->store().Delete(api::Kind::kLab, name);
      EXPECT_TRUE(harness_->WaitGone(name));
      auto left = harness_->engine().ListContainers(docker::LabSelector(name));
      ASSERT_TRUE(left.ok());
      EXPECT_TRUE(left->empty()) << name << ": containers left behind";
      auto nets = harness_->engine().ListNetworks(docker::LabSelector(name));
      ASSERT_TRUE(nets.ok());
      EXPECT_TRUE(nets->empty()) << name << ": networks left behind";
    }
    harness_.reset();
  }

  std::string Apply(const std::string& suffix, json nodes, int subnet_octet) {
    std::string name = RunPrefix() + suffix;
    json lab = testing::TwoNetLab(name, subnet_octet, nodes);
    json created = harness_->Apply(lab);
    EXPECT_FALSE(created.is_null());
    created_.push_back(name);
    return name;
  }

  std::string ContainerId(const std::string& lab, const std::string& node) {
    auto c = harness_->engine().InspectContainer(docker::ContainerName(lab, node));
    return c.ok() ? c->id : "";
  }

  std::unique_ptr<LabHarness> harness_;
  std::vector<std::string> created_;
};

// Subnet second octets: 10.<octet>.1.0/24 and 10.<octet>.2.0/24, distinct per test and unlikely
// to collide with other engineers' labs (181-186 here, 171-173 literally below).
int Octet(int test) { return 180 + test; }

json ThreeNodes(int octet) {
  std::string p = "10." + std::to_string(octet) + ".";
  return json::array(
      {Node("gw", {{"a", p + "1.254"}, {"b", p + "2.254"}}),
       Node("c1", {{"a", p + "1.10"}},
            {{"dependsOn", {"gw"}},
             {"readiness", {{"exec", {"ping", "-c1", "-W1", p + "1.254"}}, {"periodSeconds", 1}}}}),
       Node("c2", {{"b", p + "2.10"}})});
}

TEST_F(DockerIntegrationTest, EngineNegotiatesApiVersion) {
  auto v = harness_->engine().Version();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_FALSE(v->api_version.empty());
  EXPECT_LE(v->used_api, std::string("1.41"));
}

TEST_F(DockerIntegrationTest, ThreeNodeLabComesUpReadyAndExecWorks) {
  std::string lab = Apply("up", ThreeNodes(Octet(1)), Octet(1));
  ASSERT_TRUE(harness_->WaitReady(lab));
  auto obj = *harness_->store().Get(api::Kind::kLab, lab);
  EXPECT_EQ(obj["status"]["phase"], "Ready");
  EXPECT_EQ(obj["status"]["nodes"][0]["addresses"]["b"], "10.181.2.254");
  auto nets = harness_->engine().ListNetworks(docker::LabSelector(lab));
  ASSERT_TRUE(nets.ok());
  EXPECT_EQ(nets->size(), 2u);
  auto r = harness_->engine().Exec(docker::ContainerName(lab, "c2"),
                                   {"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  auto ping = harness_->engine().Exec(docker::ContainerName(lab, "c2"),
                                      {"ping", "-c1", "-W2", "10.181.2.254"});
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(ping->exit_code, 0) << ping->out;
}

TEST_F(DockerIntegrationTest, StartingARunningContainerAnswersAtOnce) {
  std::string lab = Apply("start2", json::array({Node("n", {{"a", "10.186.1.10"}})}), Octet(6));
  ASSERT_TRUE(harness_->WaitReady(lab));
  // Docker answers 304 with no Content-Length: the client must not wait for the connection to
  // close (that took the whole read timeout, twice, and then failed).
  auto st = harness_->engine().StartContainer(docker::ContainerName(lab, "n"));
  EXPECT_TRUE(st.ok()) << st.ToString();
  auto again = harness_->engine().InspectContainer(docker::ContainerName(lab, "n"));
  EXPECT_TRUE(again.ok()) << again.status().ToString();
}

TEST_F(DockerIntegrationTest, KilledAndRemovedNodesComeBackWithoutUserAction) {
  std::string lab = Apply("drift", ThreeNodes(Octet(2)), Octet(2));
  ASSERT_TRUE(harness_->WaitReady(lab));
  std::string c2 = docker::ContainerName(lab, "c2");
  auto killed = testing::RunProgram({"docker", "kill", c2});
  ASSERT_EQ(killed.exit_code, 0) << killed.err;
  EXPECT_TRUE(harness_->WaitLab(
      lab,
      [&](const api::Result<json>& o) {
        auto c = harness_->engine().InspectContainer(c2);
        return c.ok() && c->running && o.ok() && api::IsConditionTrue(*o, "Ready");
      },
      std::chrono::seconds(60)));
  std::string old_id = ContainerId(lab, "c1");
  auto removed = testing::RunProgram({"docker", "rm", "-f", docker::ContainerName(lab, "c1")});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_TRUE(harness_->WaitLab(
      lab,
      [&](const api::Result<json>& o) {
        std::string id = ContainerId(lab, "c1");
        return !id.empty() && id != old_id && o.ok() && api::IsConditionTrue(*o, "Ready");
      },
      std::chrono::seconds(60)));
}

TEST_F(DockerIntegrationTest, RemovedNetworkIsRecreatedAndNodesReattached) {
  std::string lab = Apply("netrm", ThreeNodes(Octet(3)), Octet(3));
  ASSERT_TRUE(harness_->WaitReady(lab));
  std::string net = docker::NetworkName(lab, "b");
  // Disconnecting a node is itself drift that labd repairs by recreating the node on all its
  // networks, so the network may have endpoints again by the time it is removed: disconnect
  // whatever is attached and remove it until the removal goes through.
  testing::CommandResult rm;
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto attached = harness_->engine().InspectNetwork(net);
    ASSERT_TRUE(attached.ok()) << attached.status().ToString();
    for (const auto& id : attached->container_ids)
      testing::RunProgram({"docker", "network", "disconnect", "-f", net, id});
    rm = testing::RunProgram({"docker", "network", "rm", net});
    if (rm.exit_code == 0) break;
  }
  ASSERT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_TRUE(harness_->WaitLab(
      lab,
      [&](const api::Result<json>& o) {
        auto n = harness_->engine().InspectNetwork(net);
        return n.ok() && n->container_ids.size() == 2 && o.ok() &&
               api::IsConditionTrue(*o, "Ready");
      },
      std::chrono::seconds(60)));
  auto ping = harness_->engine().Exec(docker::ContainerName(lab, "c2"),
                                      {"ping", "-c1", "-W2", "10.183.2.254"});
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(ping->exit_code, 0);
}

TEST_F(DockerIntegrationTest, MissingImageIsAClearCondition) {
  json nodes = json::array({Node("n", {{"a", "10.184.1.10"}}, {{"image", "labctl-nosuch:0"}})});
  std::string lab = Apply("noimg", nodes, Octet(4));
  json last;
  EXPECT_TRUE(harness_->WaitLab(
      lab,
      [](const api::Result<json>& o) {
        const json* c = o.ok() ? api::FindCondition(*o, "Provisioned") : nullptr;
        return c && c->value("reason", "") == "ImageNotFound";
      },
      std::chrono::seconds(30), &last));
  const json* c = api::FindCondition(last, "Provisioned");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->value("message", ""),
            "node n: image \"labctl-nosuch:0\" not found: build or load it locally (nothing is "
            "pulled)");
}

TEST_F(DockerIntegrationTest, PrivilegedRefusalIsShownNotFatal) {
  json nodes = json::array({Node("n", {{"a", "10.185.1.10"}}, {{"privileged", true}})});
  std::string lab = Apply("priv", nodes, Octet(5));
  json last;
  bool refused = harness_->WaitLab(
      lab,
      [](const api::Result<json>& o) {
        const json* c = o.ok() ? api::FindCondition(*o, "Provisioned") : nullptr;
        return c &&
               (c->value("reason", "") == "StartFailed" || api::IsConditionTrue(*o, "Provisioned"));
      },
      std::chrono::seconds(30), &last);
  ASSERT_TRUE(refused);
  // Hosts that do grant --privileged simply run the node.
  if (!api::IsConditionTrue(last, "Provisioned")) {
    EXPECT_NE(last["status"]["nodes"][0]["message"].get<std::string>().find("privileged"),
              std::string::npos);
  }
}

// `docker network disconnect` of a node (no -f, the network stays): the lab must not stay Ready
// with the node unreachable on that network; labd recreates it on all of its networks.
TEST_F(DockerIntegrationTest, NodeDisconnectedFromANetworkIsRepaired) {
  std::string lab = Apply("netdisc", ThreeNodes(171), 171);
  ASSERT_TRUE(harness_->WaitReady(lab));
  const std::string net = docker::NetworkName(lab, "b");
  const std::string gw = docker::ContainerName(lab, "gw");
  auto disconnected = testing::RunProgram({"docker", "network", "disconnect", net, gw});
  ASSERT_EQ(disconnected.exit_code, 0) << disconnected.err;
  auto on_b = [&] {
    auto n = harness_->engine().InspectNetwork(net);
    return n.ok() && n->container_ids.size() == 2;  // gw and c2
  };
  EXPECT_TRUE(harness_->WaitLab(
      lab,
      [&](const api::Result<json>& o) {
        return on_b() && o.ok() && api::IsConditionTrue(*o, "Ready");
      },
      std::chrono::seconds(60)))
      << "gw is still not on network b";
  // Reachable again: the new gw answers (its first answers may take a moment after its start).
  int attempts = 0;
  api::Result<docker::ExecResult> ping = api::Status::Internal("no ping yet");
  for (; attempts < 10; ++attempts) {
    ping = harness_->engine().Exec(docker::ContainerName(lab, "c2"),
                                   {"ping", "-c1", "-W1", "10.171.2.254"});
    if (ping.ok() && ping->exit_code == 0) break;
  }
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(ping->exit_code, 0) << ping->out;
}

// Lab "<p>x" node "y-z" and lab "<p>x-y" node "z" were both container labctl-<p>x-y-z: the second
// lab failed with a Conflict.
TEST_F(DockerIntegrationTest, LabsWhoseOldNamesCollideBothComeUp) {
  std::string first = Apply("x", json::array({Node("y-z", {{"a", "10.172.1.10"}})}), 172);
  std::string second = Apply("x-y", json::array({Node("z", {{"a", "10.173.1.10"}})}), 173);
  EXPECT_TRUE(harness_->WaitReady(first));
  EXPECT_TRUE(harness_->WaitReady(second));
  for (const auto& [lab, node] : {std::pair{first, "y-z"}, std::pair{second, "z"}}) {
    auto c = harness_->engine().InspectContainer(docker::ContainerName(lab, node));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_TRUE(c->running);
    EXPECT_EQ(docker::LabelOf(c->labels, docker::kLabelLab), lab);
  }
}

// A network of someone else's covers the lab's subnet: the condition names it (Docker says only
// "Pool overlaps with other one"), and the lab comes up by itself once it is gone.
TEST_F(DockerIntegrationTest, AnOverlappingNetworkIsNamedAndTheLabComesUpOnceItIsGone) {
  // The same name in every run, so a killed run's leftover is removed here.
  const std::string blocker = kPrefix + "-blocker";
  (void)harness_->engine().RemoveNetwork(blocker);
  // Labelled with this run's instance, so the hygiene check would see it left behind.
  auto made =
      harness_->engine().CreateNetwork({.name = blocker,
                                        .subnet = "10.178.0.0/16",
                                        .labels = {{"dev.labctl.instance", "test-" + kPrefix}}});
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  std::string lab = Apply("overlap", json::array({Node("n", {{"a", "10.178.1.10"}})}), 178);
  json last;
  bool named = harness_->WaitLab(
      lab,
      [](const api::Result<json>& o) {
        const json* c = o.ok() ? api::FindCondition(*o, "Provisioned") : nullptr;
        return c && c->value("reason", "") == "SubnetOverlaps";
      },
      std::chrono::seconds(30), &last);
  auto removed = harness_->engine().RemoveNetwork(blocker);
  ASSERT_TRUE(named) << last.dump(2);
  ASSERT_TRUE(removed.ok()) << removed.ToString();
  const std::string message = api::FindCondition(last, "Provisioned")->value("message", "");
  EXPECT_NE(message.find("overlaps Docker network " + blocker + " (10.178.0.0/16)"),
            std::string::npos)
      << message;
  EXPECT_TRUE(harness_->WaitReady(lab));
}

}  // namespace
}  // namespace labctl
