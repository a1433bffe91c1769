// lab_bench: Docker labs on the real dockerd, side by side in one run for each size N:
//   labd     the real labd binary: POST the Lab, watch it until Ready (conditions, every node)
//   floor    the same networks and containers created, connected and started directly through
//            the Docker API, with labd's parallelism (8), no readiness, no network set-up
//   compose  `docker-compose -p P up -d` of an equivalent compose file (Debian's docker-compose)
// and drift repair at the largest N: `docker kill` of one node until the lab's status shows it
// Ready again with a new start, next to the floor of that (kill, then start it directly).
//
// Usage: lab_bench [--no-compose] [--repeat R] [sizes...]   (default 1 5 20; medians of R
// rounds, default 1). Needs dockerd, labbox:latest
// (scripts/build-labbox) and, for the compose column, docker-compose on PATH.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "bench/lab_floor.h"
#include "docker/lab_fixture.h"
#include "docker/labd_docker.h"

using namespace labctl;
using namespace labctl::bench;
using api::json;

namespace {

// labd's labs are lbench*; the floor's objects are named lbfloor* so that labd (scoped to
// lbench by --orphan-lab-prefix) never touches them; compose objects carry no labctl labels.
const std::string kPrefix = "lbench";
const std::string kFloorPrefix = "lbfloor";

json Nodes(int n, int octet) {
  json nodes = json::array();
  for (int i = 0; i < n; ++i)
    nodes.push_back(labctl::testing::Node("n" + std::to_string(i), {{"a", Ip(octet, 1, 10 + i)}}));
  return nodes;
}

// docker-compose up -d of the same lab; -1 when docker-compose is missing or fails.
double Compose(const std::string& project, int n, int octet) {
  std::string dir = labctl::testing::MakeTempDir("lbench-compose");
  std::ofstream f(dir + "/docker-compose.yml");
  f << "version: \"2.4\"\nnetworks:\n";
  for (int net : {1, 2})
    f << "  " << (net == 1 ? "a" : "b") << ":\n    driver_opts:\n"
      << "      com.docker.network.bridge.enable_ip_masquerade: \"false\"\n"
      << "    ipam:\n      config:\n        - subnet: " << Ip(octet, net, 0) << "/24\n";
  f << "services:\n";
  for (int i = 0; i < n; ++i)
    f << "  n" << i << ":\n    image: labbox:latest\n    cap_add: [NET_ADMIN]\n"
      << "    networks:\n      a: {ipv4_address: " << Ip(octet, 1, 10 + i) << "}\n";
  f.close();
  auto start = Clock::now();
  auto up = labctl::testing::RunProgram({"docker-compose", "-p", project, "-f",
                                         dir + "/docker-compose.yml", "up", "-d", "--quiet-pull"});
  double t = Seconds(Clock::now() - start);
  labctl::testing::RunProgram(
      {"docker-compose", "-p", project, "-f", dir + "/docker-compose.yml", "down", "-t", "0"});
  labctl::testing::RunProgram({"rm", "-rf", dir});
  if (up.exit_code != 0) {
    std::fprintf(stderr, "docker-compose: %s\n", up.err.c_str());
    return -1;
  }
  return t;
}

const json* FindNode(const json& lab, const std::string& node) {
  const json* nodes = lab.contains("status") ? &lab["status"] : nullptr;
  if (!nodes || !nodes->contains("nodes")) return nullptr;
  for (const auto& n : (*nodes)["nodes"])
    if (n.value("name", "") == node) return &n;
  return nullptr;
}

// Watches the lab from `from` until pred(lab); returns the time it took from `start` (or -1).
template <class Pred>
double WatchUntil(const labctl::testing::LabdProcess& labd, const std::string& name,
                  const std::string& from, Clock::time_point start, Pred pred) {
  client::Client c(client::Options{labd.url(), "", std::chrono::seconds(30)});
  client::WatchParams p;
  p.name = name;
  p.resource_version = from;
  p.deadline = Clock::now() + std::chrono::seconds(900);
  double t = -1;
  (void)c.Watch(api::Kind::kLab, p, [&](const json& event) {
    if (!event.contains("object") || !pred(event["object"])) return true;
    t = Seconds(Clock::now() - start);
    return false;
  });
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  bool compose = true;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--no-compose")
      compose = false;
    else if (std::string(argv[i]) == "--repeat" && i + 1 < argc)
      repeat = std::max(1, std::atoi(argv[++i]));
    else
      sizes.push_back(std::atoi(argv[i]));
  }
  if (sizes.empty()) sizes = {1, 5, 20};
  std::string drift;
  const std::string run = kPrefix + std::to_string(getpid() % 10000) + "-";
  docker::HttpEngine engine;
  labctl::testing::SweepPrefix(engine, kPrefix);
  labctl::testing::SweepPrefix(engine, kFloorPrefix);
  // labd at its default log level: debug logging of every request would be measured too.
  labctl::testing::LabdProcess labd(labctl::testing::DockerLabdOptions(
      labctl::testing::kSystemDockerHost, kPrefix, "",
      std::getenv("LAB_BENCH_LOG_LEVEL") ? std::getenv("LAB_BENCH_LOG_LEVEL") : "info"));
  std::printf(
      "| nodes | labd apply->Ready (s) | floor (s) | labd/floor | docker-compose up -d (s) |\n");
  std::printf(
      "|------:|---------------------:|----------:|-----------:|-------------------------:|\n");
  int octet = 230;  // 10.230-241.x: clear of the other docker tests' subnets
  for (int n : sizes) {
    // Median of `repeat` rounds; each round runs floor, compose and labd back to back so that
    // load from others on the machine hits all three alike.
    std::vector<double> floors, composes, labds;
    for (int round = 0; round < repeat; ++round) {
      std::string id =
          std::to_string(getpid() % 10000) + "-" + std::to_string(n) + "-" + std::to_string(round);
      floors.push_back(Floor(engine, {kFloorPrefix + id, n, octet, 2, {}}));
      if (compose) composes.push_back(Compose("lbcompose" + id, n, octet + 1));
      std::string name = run + "n" + std::to_string(n) + "-" + std::to_string(round);
      auto client = labctl::testing::LabdClient(labd);
      auto start = Clock::now();
      auto created = client.Create(
          api::Kind::kLab, labctl::testing::TwoNetLab(name, octet + 2, Nodes(n, octet + 2)));
      if (!created.ok()) {
        std::fprintf(stderr, "create: %s\n", created.status().ToString().c_str());
        return 1;
      }
      labds.push_back(WatchUntil(labd, name, api::ResourceVersion(*created), start,
                                 [](const json& lab) { return labctl::testing::IsReadyNow(lab); }));
      if (n == sizes.back() && round == repeat - 1) {
        // Drift repair, `repeat` times on distinct nodes: docker kill one node; done when the
        // lab is Ready with that node started again. Its floor: kill + start of another node
        // directly through the API.
        std::vector<double> repairs, repair_floors;
        for (int k = 0; k < repeat && 2 * k + 1 < n; ++k) {
          std::string node = "n" + std::to_string(2 * k);
          auto now = client.Get(api::Kind::kLab, name);
          const json* before = now.ok() ? FindNode(*now, node) : nullptr;
          std::string old_start = before ? before->value("startedAt", "") : "";
          auto kill_start = Clock::now();
          (void)engine.KillContainer(docker::ContainerName(name, node));
          repairs.push_back(
              WatchUntil(labd, name, api::ResourceVersion(*now), kill_start, [&](const json& lab) {
                const json* s = FindNode(lab, node);
                return labctl::testing::IsReadyNow(lab) && s && s->value("ready", false) &&
                       s->value("startedAt", "") != old_start;
              }));
          std::string other = docker::ContainerName(name, "n" + std::to_string(2 * k + 1));
          auto floor_start = Clock::now();
          (void)engine.KillContainer(other);
          (void)engine.StartContainer(other);
          repair_floors.push_back(Seconds(Clock::now() - floor_start));
          labctl::testing::PollReady(labd, name, std::chrono::seconds(60));
        }
        drift = "drift repair at " + std::to_string(n) + " nodes (docker kill -> Ready again), " +
                "median of " + std::to_string(repairs.size()) + ": labd " + Fixed(Median(repairs)) +
                " s, floor (kill + start) " + Fixed(Median(repair_floors)) + " s";
      }
      (void)client.Delete(api::Kind::kLab, name);
      labctl::testing::PollGone(labd, name, std::chrono::seconds(600));
    }
    octet += 3;
    double floor = Median(floors), t = Median(labds);
    std::printf("| %5d | %20.2f | %9.2f | %10.2f | %24s |\n", n, t, floor, t / floor,
                compose ? Fixed(Median(composes)).c_str() : "-");
    std::fflush(stdout);
  }
  if (!drift.empty()) std::printf("\n%s\n", drift.c_str());
  labctl::testing::SweepPrefix(engine, kPrefix);
  labctl::testing::SweepPrefix(engine, kFloorPrefix);
  return 0;
}
