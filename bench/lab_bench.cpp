// lab_bench: wall time from apply to Ready for labs of 1, 5 and 20 nodes, next to the floor (the
// same containers created and started directly through the Docker API with the same
// parallelism), and drift-repair time from `docker kill` of a node to Ready again.
// Usage: lab_bench [sizes...]   (default 1 5 20). Needs dockerd and labbox:latest.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "docker/lab_harness.h"
#include "reconcilers/lab_bringup.h"
#include "reconcilers/lab_cleanup.h"

using namespace labctl;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

api::json Nodes(int n, int octet) {
  api::json nodes = api::json::array();
  for (int i = 0; i < n; ++i)
    nodes.push_back(
        testing::Node("n" + std::to_string(i),
                      {{"a", "10." + std::to_string(octet) + ".1." + std::to_string(10 + i)}}));
  return nodes;
}

// The floor: network + containers created/started directly, 8 at a time, then removed.
double Floor(docker::DockerEngine& engine, const std::string& name, int n, int octet) {
  auto start = Clock::now();
  std::string net = "labctl-" + name + "-a";
  auto labels = docker::NetworkLabels(name, "floor", "a", "h");
  auto nid = engine.CreateNetwork({net,
                                   "10." + std::to_string(octet) + ".1.0/24",
                                   "",
                                   "",
                                   labels,
                                   {{"com.docker.network.bridge.enable_ip_masquerade", "false"}}});
  if (!nid.ok()) return -1;
  reconcilers::RunParallel(n, 8, [&](size_t i) {
    docker::ContainerSpec c;
    c.name = docker::ContainerName(name, "n" + std::to_string(i));
    c.image = "labbox:latest";
    c.labels = docker::ContainerLabels(name, "floor", "n" + std::to_string(i), "h");
    c.network = docker::EndpointSpec{
        net, "10." + std::to_string(octet) + ".1." + std::to_string(10 + i), ""};
    auto id = engine.CreateContainer(c);
    if (id.ok()) (void)engine.StartContainer(*id);
  });
  double t = Seconds(Clock::now() - start);
  (void)reconcilers::RemoveLabObjects(engine, name);
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {1, 5, 20};
  std::string prefix = "lbench" + std::to_string(getpid() % 10000) + "-";
  testing::LabHarness harness("lbench");
  std::printf("| nodes | labd apply->Ready (s) | floor create+start (s) | ratio |\n");
  std::printf("|------:|---------------------:|----------------------:|------:|\n");
  int octet = 170;
  for (int n : sizes) {
    double floor = Floor(harness.engine(), prefix + "floor" + std::to_string(n), n, octet++);
    std::string name = prefix + "n" + std::to_string(n);
    auto start = Clock::now();
    harness.Apply(testing::TwoNetLab(name, octet++, Nodes(n, octet - 1)));
    bool ready = harness.WaitReady(name, std::chrono::seconds(600));
    double t = Seconds(Clock::now() - start);
    std::printf("| %5d | %20.2f | %21.2f | %5.2f |%s\n", n, t, floor, t / floor,
                ready ? "" : " (not Ready)");
    if (n == sizes.back()) {
      // Drift repair: docker kill one node, time until the lab is Ready again.
      std::string victim = docker::ContainerName(name, "n0");
      auto kill_start = Clock::now();
      (void)harness.engine().KillContainer(victim);
      harness.WaitLab(
          name,
          [&](const api::Result<api::json>& o) {
            auto c = harness.engine().InspectContainer(victim);
            return c.ok() && c->running && o.ok() && api::IsConditionTrue(*o, "Ready");
          },
          std::chrono::seconds(120));
      std::printf("\ndrift repair (docker kill -> Ready) at %d nodes: %.2f s\n", n,
                  Seconds(Clock::now() - kill_start));
    }
    (void)harness.store().Delete(api::Kind::kLab, name);
    harness.WaitGone(name, std::chrono::seconds(300));
  }
  return 0;
}
