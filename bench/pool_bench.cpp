// pool_bench: a Session for a 20-node Docker lab handed a warm spare vs a cold bring-up, side by
// side in one run on the real labd and dockerd (docs/benchmarks.md, "Warm pools").
//   warm  template lab with spec.warmPool {size: 1}: wait until its spare is Ready, then time
//         POST session -> the session seen Active with LabReady True (the spare is reset for it)
//   cold  the same lab without a pool (OnDemand, idleTimeoutSeconds 0): wait until it is down,
//         then time the same
// Rounds alternate warm and cold so both see the same machine load; after each release the
// bench waits until the used spare is gone / the cold lab is down before the next round. The
// labs have no Docker networks (nodes joined by a chain of spec.links), so spares can share the
// engine (docs/hosts.md, "Subnets").
// Usage: pool_bench [--rounds 10] [--nodes 20]. Needs dockerd and labbox:latest
// (scripts/build-labbox).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "api/warm_pool.h"
#include "docker/labd_docker.h"

using namespace std::chrono_literals;
using labctl::api::json;
using labctl::api::Kind;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kPrefix = "wpbench";

json Lab(const std::string& name, int nodes, int pool) {
  json spec = {{"runPolicy", "OnDemand"},
               {"idleTimeoutSeconds", 0},
               {"nodes", json::array()},
               {"links", json::array()}};
  for (int i = 0; i < nodes; ++i)
    spec["nodes"].push_back({{"name", "n" + std::to_string(i)},
                             {"image", "labbox:latest"},
                             {"command", {"sleep", "infinity"}}});
  for (int i = 0; i + 1 < nodes; ++i)
    spec["links"].push_back(
        {{"endpoints",
          {"n" + std::to_string(i) + ":eth1", "n" + std::to_string(i + 1) + ":eth2"}}});
  if (pool > 0) spec["warmPool"] = {{"size", pool}};
  return {{"apiVersion", labctl::api::kApiVersion},
          {"kind", "Lab"},
          {"metadata", {{"name", name}}},
          {"spec", spec}};
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

bool Poll(const std::function<bool()>& done, std::chrono::seconds timeout) {
  return labctl::testing::PollUntil(done, timeout, 20ms);
}

// POST a session for `lab`, poll it (every 2 ms) until Active with LabReady True; seconds.
double SessionReady(labctl::client::Client& c, const std::string& lab, std::string* name,
                    std::string* held) {
  json session = {{"apiVersion", labctl::api::kApiVersion},
                  {"kind", "Session"},
                  {"metadata", {{"generateName", "bench-"}}},
                  {"spec", {{"lab", lab}}}};
  auto t0 = Clock::now();
  auto created = c.Create(Kind::kSession, session);
  if (!created.ok()) return -1;
  *name = labctl::api::Name(*created);
  json last;
  bool ok = labctl::testing::PollUntil(
      [&] {
        auto s = c.Get(Kind::kSession, *name);
        if (!s.ok()) return false;
        last = *s;
        return last.value("/status/phase"_json_pointer, std::string()) == "Active" &&
               labctl::api::IsConditionTrue(last, "LabReady");
      },
      300s, 2ms);
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  *held = labctl::api::SessionLab(last);
  return ok ? seconds : -1;
}

void Release(labctl::client::Client& c, const std::string& name) {
  (void)c.Post(labctl::client::ResourcePath(Kind::kSession, name) + "/release", json::object());
}

bool SpareReady(labctl::client::Client& c, const std::string& templ) {
  auto t = c.Get(Kind::kLab, templ);
  return t.ok() && t->value("/status/warmPool/ready"_json_pointer, 0) >= 1 &&
         t->value("/status/warmPool/inUse"_json_pointer, 1) == 0;
}

bool Down(labctl::client::Client& c, const std::string& lab) {
  auto l = c.Get(Kind::kLab, lab);
  if (!l.ok()) return l.status().code() == labctl::api::Code::kNotFound;
  const std::string phase = l->value("/status/phase"_json_pointer, std::string());
  return phase == "Stopped" || phase == "Pending";
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 10, nodes = 20;
  std::string log_copy;  // --log FILE: labd's log (level info) copied there at the end
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rounds") rounds = std::atoi(argv[i + 1]);
    if (flag == "--nodes") nodes = std::atoi(argv[i + 1]);
    if (flag == "--log") log_copy = argv[i + 1];
  }
  labctl::docker::HttpEngineOptions engine_options;
  engine_options.docker_host = labctl::testing::kSystemDockerHost;
  labctl::docker::HttpEngine engine(engine_options);
  if (!labctl::testing::BuildLabbox()) return 1;
  labctl::testing::SweepPrefix(engine, kPrefix);
  labctl::testing::LabdProcess labd(labctl::testing::DockerLabdOptions(
      labctl::testing::kSystemDockerHost, kPrefix, "", log_copy.empty() ? "warn" : "info"));
  auto c = labctl::testing::LabdClient(labd);
  const std::string warm = kPrefix + "w", cold = kPrefix + "c";
  if (!c.Create(Kind::kLab, Lab(warm, nodes, 1)).ok() ||
      !c.Create(Kind::kLab, Lab(cold, nodes, 0)).ok()) {
    std::fprintf(stderr, "cannot create the labs\n");
    return 1;
  }
  std::vector<double> warm_s, cold_s;
  for (int r = 0; r < rounds; ++r) {
    std::string name, held, spare;
    if (!Poll([&] { return SpareReady(c, warm); }, 300s)) {
      std::fprintf(stderr, "round %d: the spare did not become Ready\n", r);
      break;
    }
    double w = SessionReady(c, warm, &name, &spare);
    Release(c, name);
    if (!Poll([&] { return Down(c, spare); }, 120s)) break;
    if (!Poll([&] { return Down(c, cold); }, 120s)) break;
    double k = SessionReady(c, cold, &name, &held);
    Release(c, name);
    std::printf("round %2d  warm %.3f s (%s)  cold %.3f s\n", r + 1, w, spare.c_str(), k);
    std::fflush(stdout);
    if (w < 0 || k < 0) break;
    warm_s.push_back(w);
    cold_s.push_back(k);
  }
  std::printf("\n%d-node lab, %zu rounds: POST session -> Active with LabReady\n", nodes,
              warm_s.size());
  std::printf("  warm spare   p50 %.3f s  p99 %.3f s\n", Percentile(warm_s, 0.5),
              Percentile(warm_s, 0.99));
  std::printf("  cold bring-up p50 %.3f s  p99 %.3f s\n", Percentile(cold_s, 0.5),
              Percentile(cold_s, 0.99));
  if (!warm_s.empty())
    std::printf("  cold/warm p50 ratio %.1fx\n", Percentile(cold_s, 0.5) / Percentile(warm_s, 0.5));
  (void)c.Delete(Kind::kLab, warm);
  (void)c.Delete(Kind::kLab, cold);
  Poll([&] { return labctl::testing::LeftoversOf(engine, kPrefix).empty(); }, 120s);
  if (!log_copy.empty()) std::ofstream(log_copy) << labctl::testing::ReadFile(labd.log_path());
  return 0;
}
