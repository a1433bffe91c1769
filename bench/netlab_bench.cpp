// netlab_bench: netlab labs of linux nodes on the real dockerd, topology -> Ready for each size
// N, split as labd reports it, next to the Docker floor measured in the same round:
//   netlab   the real labd binary running the real netlab CLI: POST a Lab of provider netlab
//            (a chain n0-n1-...-n<N-1>, defaults.device linux, image labbox:latest) and watch
//            it until Ready; `netlab create` and `netlab initial` times come from the lab's
//            NetlabCreated / NetlabInitial events; realisation = total - create - initial
//            (containers, management network, veth links, netns links, readiness, status).
//   floor    the same N containers created and started directly through the Docker API on one
//            network with labd's parallelism (8), plus the chain's N-1 veth pairs created
//            straight into their namespaces and set up (bench/lab_floor.h).
// Each round runs the floor, then the netlab lab of each labd binary given (--labd, repeatable;
// default this build's; each deleted and gone before the next; the order of the labds rotates
// from round to round), so two builds are compared side by side under the same load. Each
// column is the median of its rounds; realisation/floor and the last column are the medians of
// the per-round values (floor and lab of one round run back to back, under the same load).
//
// Usage: netlab_bench --netlab PATH [--repeat R] [--labd BINARY]... [sizes...]   (default sizes
// 3 20 100; medians of R rounds, default 3). Needs dockerd, labbox:latest (scripts/build-labbox)
// and the netlab CLI; scripts/bench-netlab does all of it.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "bench/lab_floor.h"
#include "docker/labd_docker.h"

using namespace labctl;
using namespace labctl::bench;
using api::json;

namespace {

// The labds' labs are nlbencha*, nlbenchb*, ... (each labd's --orphan-lab-prefix), the floor's
// nlfloor*: no labd touches the floor's objects or another labd's.
const std::string kPrefix = "nlbench";
const std::string kFloorPrefix = "nlfloor";

std::string ChainTopology(int n) {
  std::string nodes, links;
  for (int i = 0; i < n; ++i) {
    nodes += (i ? ", n" : "n") + std::to_string(i);
    if (i > 0) links += (i > 1 ? ", n" : "n") + std::to_string(i - 1) + "-n" + std::to_string(i);
  }
  return "defaults.device: linux\nnodes: [" + nodes + "]\nlinks: [" + links + "]\n";
}

json NetlabLab(const std::string& name, int n) {
  return {
      {"apiVersion", "labctl.dev/v1alpha1"},
      {"kind", "Lab"},
      {"metadata", {{"name", name}}},
      {"spec",
       {{"provider", "netlab"},
        {"runPolicy", "Always"},
        {"netlab", {{"images", {{"linux", "labbox:latest"}}}, {"topology", ChainTopology(n)}}}}}};
}

// CLOCK_MONOTONIC in seconds: phases printed on stderr line up with `perf record -k monotonic`.
double Now() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

// Median of values that may be negative (Median() takes -1 as a failed measurement).
double MedianSigned(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// Seconds of the lab's `reason` event ("netlab create: ok in 1.2s ..."), -1 until it is there.
double EventSeconds(const labctl::testing::LabdProcess& labd, const std::string& lab,
                    const std::string& reason) {
  auto events = labctl::testing::LabdClient(labd).List(api::Kind::kEvent);
  if (!events.ok()) return -1;
  static const std::regex took(": ok in ([0-9.]+)s");
  for (const auto& e : (*events)["items"]) {
    std::smatch m;
    const std::string message = e.value("message", "");
    if (e["involvedObject"].value("name", "") == lab && e.value("reason", "") == reason &&
        std::regex_search(message, m, took))
      return std::stod(m[1]);
  }
  return -1;
}

struct NetlabTimes {
  double total = -1, create = -1, initial = -1;
};

NetlabTimes RunNetlabLab(const labctl::testing::LabdProcess& labd, const std::string& name, int n) {
  NetlabTimes t;
  auto client = labctl::testing::LabdClient(labd);
  auto start = Clock::now();
  auto created = client.Create(api::Kind::kLab, NetlabLab(name, n));
  if (!created.ok()) {
    std::fprintf(stderr, "create %s: %s\n", name.c_str(), created.status().ToString().c_str());
    return t;
  }
  client::Client watcher(client::Options{labd.url(), "", std::chrono::seconds(30)});
  client::WatchParams p;
  p.name = name;
  p.resource_version = api::ResourceVersion(*created);
  p.deadline = Clock::now() + std::chrono::seconds(1800);
  (void)watcher.Watch(api::Kind::kLab, p, [&](const json& event) {
    if (!event.contains("object") || !labctl::testing::IsReadyNow(event["object"])) return true;
    t.total = Seconds(Clock::now() - start);
    return false;
  });
  if (t.total < 0)
    std::fprintf(stderr, "%s never Ready (labd log: %s)\n", name.c_str(), labd.log_path().c_str());
  // The events are recorded before Ready is written; poll briefly in case the list lags.
  labctl::testing::PollUntil(
      [&] {
        t.create = EventSeconds(labd, name, "NetlabCreated");
        t.initial = EventSeconds(labd, name, "NetlabInitial");
        return t.create >= 0 && t.initial >= 0;
      },
      std::chrono::seconds(10), std::chrono::milliseconds(100));
  (void)client.Delete(api::Kind::kLab, name);
  if (!labctl::testing::PollGone(labd, name, std::chrono::seconds(600)))
    std::fprintf(stderr, "%s not gone after 600 s\n", name.c_str());
  return t;
}

// Removes what this benchmark may have left on Docker and the host: containers and networks of
// labs named nlbench* / nlfloor*, and the /run/netns links of those containers.
void Sweep(docker::DockerEngine& engine) {
  for (const std::string& prefix : {kPrefix, kFloorPrefix}) {
    if (auto containers = engine.ListContainers(docker::ManagedSelector()); containers.ok())
      for (const auto& c : *containers)
        if (docker::LabelOf(c.labels, docker::kLabelLab).rfind(prefix, 0) == 0) {
          std::error_code ec;
          std::filesystem::remove("/run/netns/" + c.name, ec);
        }
    labctl::testing::SweepPrefix(engine, prefix);
  }
}

// What an interrupted run must still clean up: its labds (and data dirs) and netlab's HOME.
constexpr int kMaxLabds = 4;
std::atomic<int> g_labd_pids[kMaxLabds] = {};
std::string g_labd_data_dirs[kMaxLabds], g_home;

// Ctrl-C / SIGTERM / SIGHUP (blocked in every thread) end the run here: labd stopped, every
// object swept, temp dirs removed, exit 128+signal.
void CleanUpOnSignal(sigset_t signals) {
  int sig = 0;
  if (sigwait(&signals, &sig) != 0) return;
  std::fprintf(stderr, "netlab_bench: signal %d, cleaning up\n", sig);
  for (auto& labd_pid : g_labd_pids) {
    const int pid = labd_pid.load();
    if (pid <= 0) continue;
    kill(pid, SIGTERM);
    if (!labctl::testing::WaitExit(pid, std::chrono::seconds(15))) {
      kill(pid, SIGKILL);
      labctl::testing::WaitExit(pid, std::chrono::seconds(5));
    }
  }
  docker::HttpEngine engine;
  Sweep(engine);
  std::error_code ec;
  for (const auto& dir : g_labd_data_dirs)
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  std::filesystem::remove_all(g_home, ec);
  std::_Exit(128 + sig);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  std::vector<std::string> binaries;  // "": this build's labd
  std::string netlab;
  int repeat = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--repeat" && i + 1 < argc)
      repeat = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--netlab" && i + 1 < argc)
      netlab = argv[++i];
    else if (arg == "--labd" && i + 1 < argc)
      binaries.push_back(argv[++i]);
    else
      sizes.push_back(std::atoi(arg.c_str()));
  }
  if (netlab.empty() || binaries.size() > kMaxLabds) {
    std::fprintf(stderr,
                 "usage: netlab_bench --netlab PATH [--repeat R] [--labd BINARY]... [sizes...]\n");
    return 2;
  }
  if (sizes.empty()) sizes = {3, 20, 100};
  if (binaries.empty()) binaries = {""};
  sigset_t signals;
  sigemptyset(&signals);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    sigaddset(&signals, sig);
    signal(sig, SIG_DFL);  // a background job of a shell starts with SIGINT ignored: undo that
  }
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread: all inherit it
  docker::HttpEngine engine;
  Sweep(engine);
  const std::string home = labctl::testing::MakeTempDir("nlbench-home");
  g_home = home;
  std::thread(CleanUpOnSignal, signals).detach();
  int status = 0;
  {
    // One labd per binary, each with its own data dir, instance, lab prefix and netlab HOME
    // (its --orphan-lab-prefix covers only its own labs' names). labd at its default log level:
    // debug logging of every request would be measured too.
    std::vector<std::unique_ptr<labctl::testing::LabdProcess>> labds;
    std::vector<std::string> prefixes, names;
    for (size_t k = 0; k < binaries.size(); ++k) {
      prefixes.push_back(kPrefix + std::string(1, static_cast<char>('a' + k)));
      names.push_back(binaries[k].empty() ? "this build" : binaries[k]);
      const std::string labd_home = home + "/" + prefixes.back();
      std::filesystem::create_directories(labd_home);
      auto options = labctl::testing::DockerLabdOptions(labctl::testing::kSystemDockerHost,
                                                        prefixes.back(), "", "info");
      options.extra_args.insert(options.extra_args.end(),
                                {"--netlab", netlab, "--netlab-home", labd_home});
      options.binary = binaries[k];
      labds.push_back(std::make_unique<labctl::testing::LabdProcess>(options));
      g_labd_data_dirs[k] = labds.back()->data_dir();
      g_labd_pids[k] = labds.back()->pid();
    }
    std::printf(
        "| nodes | labd | netlab create (s) | realisation (s) | netlab initial (s) |"
        " apply->Ready (s) | floor (s) | realisation/floor | Ready - (floor+create+initial) (s) "
        "|\n");
    std::printf(
        "|------:|:-----|------------------:|----------------:|-------------------:|"
        "-----------------:|----------:|------------------:|-----------------------------------:|"
        "\n");
    std::fflush(stdout);
    const int octet = 226;  // the floor's 10.226.1.0/24: clear of lab_bench's 10.230-241
    for (int n : sizes) {
      std::vector<std::pair<int, int>> chain;
      for (int i = 1; i < n; ++i) chain.emplace_back(i - 1, i);
      struct Series {
        std::vector<double> creates, initials, realisations, totals, ratios, overs;
      };
      std::vector<double> floors;
      std::vector<Series> series(labds.size());
      for (int round = 0; round < repeat; ++round) {
        const std::string id = std::to_string(getpid() % 10000) + "-" + std::to_string(n) + "-" +
                               std::to_string(round);
        const double floor_from = Now();
        floors.push_back(Floor(engine, {kFloorPrefix + id, n, octet, 1, chain}));
        std::fprintf(stderr, "n=%d round %d floor: monotonic %.3f-%.3f\n", n, round, floor_from,
                     Now());
        for (size_t step = 0; step < labds.size(); ++step) {
          const size_t k = (step + round) % labds.size();  // who goes first rotates
          Series& r = series[k];
          const double lab_from = Now();
          NetlabTimes t = RunNetlabLab(*labds[k], prefixes[k] + id, n);
          std::fprintf(stderr, "n=%d round %d %s: monotonic %.3f-%.3f (apply to gone)\n", n, round,
                       names[k].c_str(), lab_from, Now());
          r.totals.push_back(t.total);
          r.creates.push_back(t.create);
          r.initials.push_back(t.initial);
          bool ok = t.total >= 0 && t.create >= 0 && t.initial >= 0;
          r.realisations.push_back(ok ? t.total - t.create - t.initial : -1);
          // The ratio within a round (floor and lab back to back, under the same load).
          r.ratios.push_back(ok && floors.back() > 0 ? r.realisations.back() / floors.back() : -1);
          r.overs.push_back(ok ? t.total - floors.back() - t.create - t.initial : -1e9);
          if (!ok) status = 1;
          std::fprintf(stderr,
                       "n=%d round %d %s: floor %.2f total %.2f create %.2f initial %.2f "
                       "realisation %.2f (%.2fx)\n",
                       n, round, names[k].c_str(), floors.back(), t.total, t.create, t.initial,
                       r.realisations.back(), r.ratios.back());
        }
      }
      for (size_t k = 0; k < labds.size(); ++k) {
        const Series& r = series[k];
        const double floor = Median(floors), real = Median(r.realisations);
        const double total = Median(r.totals), create = Median(r.creates);
        const double initial = Median(r.initials);
        const double over = MedianSigned(r.overs);  // -1e9: a round failed
        const std::string over_text = (over >= 0 ? "+" : "") + Fixed(over);
        std::printf("| %5d | %s | %17.2f | %15.2f | %18.2f | %16.2f | %9.2f | %17.2f | %34s |\n", n,
                    names[k].c_str(), create, real, initial, total, floor, Median(r.ratios),
                    over_text.c_str());
      }
      std::fflush(stdout);
    }
  }
  for (auto& pid : g_labd_pids) pid = 0;
  Sweep(engine);
  std::filesystem::remove_all(home);
  return status;
}
