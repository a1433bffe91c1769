// hosts_bench: bring-up of L labs of N nodes (default 4 x 10) on one Host against two, side by
// side in one run (docs/benchmarks.md, "Several hosts"). The real labd on the system dockerd
// (Host "local") plus a private dockerd of the bench's own (tests/docker/private_dockerd.h) as
// Host "spare". Each round creates the L labs (runPolicy Always) at once and times until every
// one is Ready: once with "spare" unschedulable (all on local), once with both Hosts (placement
// spreads them), in alternating order so that load from others hits both alike. Both engines run
// on this one machine: two Hosts gain only the overlap of the two dockerds' per-container
// latency, not CPU.
//
// Usage: hosts_bench [--repeat R] [--labs L] [--nodes N]   (default 3 rounds, 4 labs, 10 nodes).
// Needs root (the private dockerd), dockerd and labbox:latest (scripts/build-labbox).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "api/host_placement.h"
#include "bench/lab_floor.h"
#include "docker/lab_fixture.h"
#include "docker/labd_docker.h"
#include "docker/private_dockerd.h"

using namespace labctl;
using namespace labctl::bench;
using api::json;

namespace {

// labd's labs are lbhost*, inside its --orphan-lab-prefix scope.
const std::string kPrefix = "lbhost";
constexpr int kFirstOctet = 246;  // 10.246.x and up: clear of the tests' and lab_bench's subnets

json Lab(const std::string& name, int octet, int nodes) {
  json ready = {{"readiness", {{"exec", {"true"}}, {"periodSeconds", 1}}}};
  json list = json::array();
  for (int i = 0; i < nodes; ++i)
    list.push_back(
        labctl::testing::Node("n" + std::to_string(i), {{"a", Ip(octet, 1, 10 + i)}}, ready));
  return labctl::testing::TwoNetLab(name, octet, list);
}

// Creates `labs` labs at once and returns the seconds until all are Ready (-1 on a failure),
// then deletes them and waits until they are gone. `hosts` records where they ran.
double BringUp(const labctl::testing::LabdProcess& labd, const std::string& round, int labs,
               int nodes, std::string& hosts) {
  auto client = labctl::testing::LabdClient(labd);
  std::vector<std::string> names;
  auto start = Clock::now();
  for (int i = 0; i < labs; ++i) {
    names.push_back(kPrefix + round + "-" + std::to_string(i));
    auto created = client.Create(api::Kind::kLab, Lab(names.back(), kFirstOctet + i, nodes));
    if (!created.ok()) {
      std::fprintf(stderr, "create: %s\n", created.status().ToString().c_str());
      return -1;
    }
  }
  double t = 0;
  for (const auto& name : names) {
    api::Result<json> last = api::Status::Internal("never read");
    if (!labctl::testing::PollReady(labd, name, std::chrono::seconds(600), &last)) t = -1;
    if (last.ok()) hosts += std::string(hosts.empty() ? "" : " ") + api::LabHost(*last);
  }
  if (t == 0) t = Seconds(Clock::now() - start);
  for (const auto& name : names) (void)client.Delete(api::Kind::kLab, name);
  for (const auto& name : names) labctl::testing::PollGone(labd, name, std::chrono::seconds(600));
  return t;
}

bool SetSpareSchedulable(const labctl::testing::LabdProcess& labd, bool schedulable) {
  auto patched = labctl::testing::LabdClient(labd).Patch(
      api::Kind::kHost, "spare", {{"spec", {{"unschedulable", !schedulable}}}});
  if (!patched.ok()) std::fprintf(stderr, "patch: %s\n", patched.status().ToString().c_str());
  return patched.ok();
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 3, labs = 4, nodes = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--repeat") repeat = value;
    if (flag == "--labs") labs = value;
    if (flag == "--nodes") nodes = value;
  }
  if (!labctl::testing::BuildLabbox()) return 1;
  labctl::testing::PrivateDockerd dockerd;
  api::Status started = dockerd.Start();
  if (started.ok()) started = dockerd.LoadImage("labbox:latest");
  if (!started.ok()) {
    std::fprintf(stderr, "private dockerd: %s\n", started.ToString().c_str());
    return 1;
  }
  docker::HttpEngine system_engine;
  labctl::testing::SweepPrefix(system_engine, kPrefix);
  labctl::testing::LabdProcess labd(
      labctl::testing::DockerLabdOptions(labctl::testing::kSystemDockerHost, kPrefix, "", "info"));
  auto client = labctl::testing::LabdClient(labd);
  auto host = client.Create(api::Kind::kHost, {{"apiVersion", api::kApiVersion},
                                               {"kind", "Host"},
                                               {"metadata", {{"name", "spare"}}},
                                               {"spec", {{"endpoint", dockerd.host()}}}});
  if (!host.ok() || !labctl::testing::PollUntil(
                        [&] {
                          auto h = client.Get(api::Kind::kHost, "spare");
                          return h.ok() && api::HostReady(*h);
                        },
                        std::chrono::seconds(60), std::chrono::milliseconds(100))) {
    std::fprintf(stderr, "host spare did not become Ready\n");
    return 1;
  }
  std::printf("%d labs x %d nodes, apply -> all Ready (s)\n\n", labs, nodes);
  std::printf("| round | 1 host | 2 hosts | 2 hosts / 1 host | placement with 2 hosts |\n");
  std::printf("|------:|-------:|--------:|-----------------:|:-----------------------|\n");
  std::vector<double> ones, twos, ratios;
  for (int round = 0; round < repeat; ++round) {
    double one = -1, two = -1;
    std::string ignored, spread;
    for (int leg = 0; leg < 2; ++leg) {
      const bool both = (leg + round) % 2 == 1;  // alternate which goes first
      if (!SetSpareSchedulable(labd, both)) return 1;
      const std::string id =
          std::to_string(getpid() % 10000) + "-" + std::to_string(round) + (both ? "b" : "a");
      (both ? two : one) = BringUp(labd, id, labs, nodes, both ? spread : ignored);
    }
    ones.push_back(one);
    twos.push_back(two);
    ratios.push_back(one > 0 && two > 0 ? two / one : -1);
    std::printf("| %5d | %6.2f | %7.2f | %16.2f | %s |\n", round + 1, one, two, two / one,
                spread.c_str());
    std::fflush(stdout);
  }
  // The median of the rounds' ratios: each ratio compares two bring-ups under the same load.
  std::printf("| median | %5.2f | %7.2f | %16.2f | |\n", Median(ones), Median(twos),
              Median(ratios));
  labctl::testing::SweepPrefix(system_engine, kPrefix);
  return 0;
}
