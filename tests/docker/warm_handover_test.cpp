// A warm lab handed from one Session to the next is reset first, end to end: the real labd (Lab
// controller, network hook, baselines) on the real dockerd, driven by the real labctl. Session A
// dirties the lab (a firewall rule, NAT flushed, a process started through `labctl exec`) and
// releases; session B for the same OnDemand lab (kept warm) is only handed out — `labctl session
// acquire` returns — once every node is back at its baseline, in the same containers. Lab names
// are unique per run; leftovers of killed runs are swept by prefix.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <future>

#include "docker/labd_docker.h"
#include "docker/natlab_testing.h"
#include "reconcilers/providers/docker/node_processes.h"

namespace labctl {
namespace {

using testing::CommandResult;

const std::string kPrefix = "dkhand" + testing::CheckoutTag();

std::string LabYaml(const std::string& name) {
  const std::string image = testing::kNetImage;
  return "apiVersion: labctl.dev/v1alpha1\n"
         "kind: Lab\n"
         "metadata: {name: " +
         name +
         "}\n"
         "spec:\n"
         "  runPolicy: OnDemand\n"
         "  idleTimeoutSeconds: 3600\n"
         "  networks:\n"
         "    - {name: a, subnet: 10.188.1.0/24}\n"
         "    - {name: b, subnet: 10.188.2.0/24}\n"
         "  nodes:\n"
         "    - name: gw\n"
         "      image: " +
         image +
         "\n"
         "      capAdd: [NET_ADMIN]\n"
         "      interfaces: [{network: a, ipv4: 10.188.1.254}, {network: b, ipv4: 10.188.2.254}]\n"
         "      nat: {type: cone, inside: a, outside: b}\n"
         "    - name: c1\n"
         "      image: " +
         image +
         "\n"
         "      interfaces: [{network: a, ipv4: 10.188.1.10}]\n"
         "      defaultGateway: gw\n";
}

class WarmHandOverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { testing::BuildNatlabImage(); }

  void SetUp() override {
    testing::SweepPrefix(engine_, kPrefix);
    labd_ = std::make_unique<testing::LabdProcess>(
        testing::DockerLabdOptions(testing::kSystemDockerHost, kPrefix, "", "info"));
    lab_ = kPrefix + std::to_string(getpid() % 100000);
    const std::string file = testing::MakeTempDir("handover") + "/lab.yaml";
    std::ofstream(file) << LabYaml(lab_);
    auto applied = Labctl({"apply", "-f", file});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  }

  void TearDown() override {
    auto deleted = Labctl({"delete", "lab", lab_, "--wait"});
    EXPECT_EQ(deleted.exit_code, 0) << deleted.out << deleted.err;
    labd_.reset();
    EXPECT_TRUE(testing::LeftoversOf(engine_, lab_).empty());
  }

  CommandResult Labctl(const std::vector<std::string>& args) {
    return testing::RunLabctl(labd_->url(), args);
  }

  // `labctl session acquire`: the session's name once it is Active and its LabReady is True.
  std::string Acquire() {
    auto r = Labctl({"session", "acquire", "--lab", lab_, "--timeout", "180s"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err << testing::ReadFile(labd_->log_path());
    return r.out.substr(0, r.out.find('\n'));
  }

  // "<id> <StartedAt>" of each node's container.
  std::string Containers() {
    std::string out;
    for (const char* node : {"gw", "c1"}) {
      auto info = engine_.InspectContainer(docker::ContainerName(lab_, node));
      out += info.ok() ? info->id + " " + info->started_at + "\n" : "missing\n";
    }
    return out;
  }

  int InitPid(const std::string& node) {
    auto info = engine_.InspectContainer(docker::ContainerName(lab_, node));
    return info.ok() ? info->pid : 0;
  }

  std::string Gw(const std::vector<std::string>& argv) {
    return testing::RunInNode(engine_, lab_, "gw", argv);
  }

  std::string Describe() { return Labctl({"describe", "lab", lab_}).out; }

  docker::HttpEngine engine_{docker::HttpEngineOptions{.docker_host = testing::kSystemDockerHost}};
  std::unique_ptr<testing::LabdProcess> labd_;
  std::string lab_;
};

TEST_F(WarmHandOverTest, NextSessionGetsTheWarmLabResetToItsBaselineInTheSameContainers) {
  const std::string a = Acquire();
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(Describe().find("Resetting"), std::string::npos) << "fresh bring-up was reset";
  const std::string containers = Containers();

  // Session A leaves the lab dirty: NAT flushed, a firewall rule, a process started by exec.
  Gw({"iptables", "-t", "nat", "-F", "POSTROUTING"});
  Gw({"iptables", "-A", "FORWARD", "-p", "icmp", "-j", "DROP"});
  ASSERT_NE(Gw({"iptables-save"}).find("-j DROP"), std::string::npos);
  auto exec = std::async(std::launch::async, [&] {
    return Labctl({"exec", "lab/" + lab_, "c1", "--timeout", "120", "--", "sleep", "1000"});
  });
  std::vector<int> started;
  testing::PollUntil(
      [&] {
        auto pids = reconcilers::ExecStartedProcesses(InitPid("c1"));
        if (pids.ok()) started = *pids;
        return !started.empty();
      },
      std::chrono::seconds(10), std::chrono::milliseconds(100));
  ASSERT_EQ(started.size(), 1u) << "labctl exec sleep did not start";

  auto released = Labctl({"session", "release", a});
  ASSERT_EQ(released.exit_code, 0) << released.err;
  const std::string b = Acquire();
  ASSERT_FALSE(b.empty());
  ASSERT_NE(b, a);

  // As soon as B is handed the lab, every node is back at its baseline.
  const std::string rules = Gw({"iptables-save"});
  EXPECT_EQ(rules.find("-j DROP"), std::string::npos) << rules;
  EXPECT_NE(rules.find("MASQUERADE"), std::string::npos) << rules;
  auto left = reconcilers::ExecStartedProcesses(InitPid("c1"));
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
  ASSERT_EQ(exec.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_NE(exec.get().exit_code, 0);  // killed by the reset, not finished
  EXPECT_EQ(Containers(), containers) << "the warm lab was recreated, not reset";

  auto lab = testing::LabdClient(*labd_).Get(api::Kind::kLab, lab_);
  ASSERT_TRUE(lab.ok());
  EXPECT_EQ((*lab)["status"].value("preparedFor", ""), b);
  const std::string described = Describe();
  EXPECT_NE(described.find("Resetting"), std::string::npos) << described;
  auto ping =
      Labctl({"exec", "lab/" + lab_, "c1", "--", "ping", "-c", "1", "-W", "2", "10.188.2.254"});
  EXPECT_EQ(ping.exit_code, 0) << ping.out << ping.err;
  EXPECT_EQ(Labctl({"session", "release", b}).exit_code, 0);
}

}  // namespace
}  // namespace labctl
