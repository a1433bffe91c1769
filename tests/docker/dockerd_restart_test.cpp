// Restarting dockerd while a lab is up: labd (the real binary) notices the engine going away,
// reconnects when it is back, and the lab returns to Ready with its containers running again.
// Runs against a private dockerd of its own (private_dockerd.h): the system dockerd is shared
// and is never restarted by tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "docker/lab_fixture.h"
#include "docker/labd_docker.h"
#include "docker/private_dockerd.h"
#include "support/test_skip.h"

namespace labctl {
namespace {

using api::json;
using namespace std::chrono_literals;

TEST(DockerdRestartTest, LabReturnsToReadyAndLabdLogsTheReconnect) {
  auto built = testing::RunProgram({std::string(LABCTL_SOURCE_DIR) + "/scripts/build-labbox"});
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  testing::PrivateDockerd dockerd;
  auto started = dockerd.Start();
  if (!started.ok()) LABCTL_SKIP() << "cannot run a private dockerd here: " << started.ToString();
  ASSERT_TRUE(dockerd.LoadImage("labbox:latest").ok());
  docker::HttpEngine engine(docker::HttpEngineOptions{.docker_host = dockerd.host()});

  const std::string prefix = "dkrestart";
  testing::LabdProcess labd(testing::DockerLabdOptions(dockerd.host(), prefix));
  const std::string name = prefix + std::to_string(getpid() % 100000);
  // No traffic between nodes (the private dockerd sets no iptables rules): readiness is local.
  json ready_probe = {{"readiness", {{"exec", {"true"}}, {"periodSeconds", 1}}}};
  json nodes = json::array({testing::Node("gw", {{"a", "10.197.1.254"}, {"b", "10.197.2.254"}}),
                            testing::Node("c1", {{"a", "10.197.1.10"}}, ready_probe)});
  auto created =
      testing::LabdClient(labd).Create(api::Kind::kLab, testing::TwoNetLab(name, 197, nodes));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ASSERT_TRUE(testing::PollReady(labd, name, 120s)) << "labd log: " << labd.log_path();

  std::map<std::string, std::string> started_at;
  for (const char* node : {"gw", "c1"}) {
    auto c = engine.InspectContainer(docker::ContainerName(name, node));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    started_at[node] = c->started_at;
  }

  ASSERT_TRUE(dockerd.Stop().ok());  // graceful: dockerd stops every container it runs
  ASSERT_TRUE(dockerd.Start().ok()) << "dockerd log: " << dockerd.log_path();

  // Back to Ready, with every node started again by labd after the restart (a Ready read
  // before labd noticed would still show the old start times).
  api::Result<json> last = api::Status::Internal("never read");
  bool back = testing::PollLab(
      labd, name,
      [&](const api::Result<json>& lab) {
        if (!lab.ok() || !testing::IsReadyNow(*lab)) return false;
        for (const auto& [node, before] : started_at) {
          auto c = engine.InspectContainer(docker::ContainerName(name, node));
          if (!c.ok() || !c->running || c->started_at == before) return false;
        }
        return true;
      },
      120s, &last);
  EXPECT_TRUE(back) << (last.ok() ? last->dump(2) : last.status().ToString())
                    << "\nlabd log: " << labd.log_path();
  EXPECT_NE(testing::ReadFile(labd.log_path()).find("docker engine reconnected"), std::string::npos)
      << "labd log: " << labd.log_path();

  auto deleted = testing::LabdClient(labd).Delete(api::Kind::kLab, name);
  EXPECT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_TRUE(testing::PollGone(labd, name, 60s));
  EXPECT_EQ(testing::LeftoversOf(engine, prefix), std::vector<std::string>{});
}

}  // namespace
}  // namespace labctl
