// conn_bench: is an ordinary request still answered, and how fast, while connections press on
// labd (results in docs/benchmarks.md, "Connections under pressure"). For each labd binary
// given (--labd PATH, repeatable; default this build's), one after the other in one run:
//   baseline  no other connections
//   idle      --idle N connections from 127.0.0.2-4 that sent half a request head and stay
//   watches   --max-watchers W watch streams open plus --extra M more attempted (429s counted)
// and in each, --probes P probes: GET /healthz on a new connection from 127.0.0.1, one at a time,
// each given 1 s (after 5 unanswered in a row the rest are skipped). Reports answered probes,
// p50/p99/max latency of the answered ones, labd's threads and RSS.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/support/labd_process.h"
#include "tests/support/raw_connections.h"

namespace {

using namespace labctl::testing;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const std::vector<std::string> kOthers = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};

struct Config {
  std::vector<std::string> binaries;
  size_t idle = 3000;
  size_t watchers = 1024;
  size_t extra = 500;
  int probes = 200;
};

struct ProbeStats {
  int sent = 0;
  int answered = 0;
  double p50 = 0, p99 = 0, max = 0;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

ProbeStats RunProbes(int port, int count) {
  ProbeStats stats;
  std::vector<double> ms;
  int misses_in_row = 0;
  for (; stats.sent < count && misses_in_row < 5; ++stats.sent) {
    auto start = Clock::now();
    int status = Probe(port, milliseconds(1000));
    double took = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (status == 200) {
      ++stats.answered;
      ms.push_back(took);
      misses_in_row = 0;
    } else {
      ++misses_in_row;
    }
  }
  stats.p50 = Percentile(ms, 0.50);
  stats.p99 = Percentile(ms, 0.99);
  stats.max = ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end());
  return stats;
}

void Report(const std::string& labd, const std::string& scenario, const ProbeStats& s, int pid,
            const std::string& note) {
  std::printf("| %s | %s | %d/%d | %.2f | %.2f | %.2f | %ld | %ld | %s |\n", labd.c_str(),
              scenario.c_str(), s.answered, s.sent, s.p50, s.p99, s.max, ProcStatus(pid, "Threads"),
              ProcStatus(pid, "VmRSS") / 1024, note.c_str());
  std::fflush(stdout);
}

// Watch streams opened at once; counts the status each got within 10 s (0: none).
std::string OpenWatches(int port, size_t count, std::vector<int>& fds) {
  for (size_t i = 0; i < count; ++i) {
    int fd = ConnectFrom(port, kOthers[i % kOthers.size()]);
    if (fd < 0) continue;
    SendAll(fd, "GET /apis/labctl.dev/v1alpha1/labs?watch=1 HTTP/1.1\r\nHost: w\r\n\r\n");
    fds.push_back(fd);
  }
  int ok = 0, refused = 0, none = 0;
  auto deadline = Clock::now() + std::chrono::seconds(10);
  for (int fd : fds) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    int status = StatusOf(ReadResponseHead(fd, std::max(left, milliseconds(1))));
    ok += status == 200;
    refused += status == 429;
    none += status == 0;
  }
  return std::to_string(ok) + " streaming, " + std::to_string(refused) + " got 429, " +
         std::to_string(none) + " unanswered of " + std::to_string(count);
}

void BenchBinary(const Config& c, const std::string& binary) {
  const std::string name = binary.empty() ? "this build" : binary;
  auto start = [&](std::vector<std::string> args) {
    LabdProcess::Options options;
    options.binary = binary;
    options.extra_args = std::move(args);
    options.extra_args.insert(options.extra_args.end(), {"--log-level", "warn"});
    return std::make_unique<LabdProcess>(options);
  };
  {
    auto labd = start({});
    Report(name, "baseline", RunProbes(labd->port(), c.probes), labd->pid(), "");
  }
  {
    auto labd = start({});
    Crowd crowd(labd->port(), c.idle, kOthers, "GET /healthz HTTP/1.1\r\nHost: idle\r\n");
    std::string note = std::to_string(crowd.connected()) + " idle connected";
    Report(name, "idle " + std::to_string(c.idle), RunProbes(labd->port(), c.probes), labd->pid(),
           note);
  }
  {
    auto labd = start({"--max-watchers", std::to_string(c.watchers)});
    std::vector<int> fds;
    std::string note = OpenWatches(labd->port(), c.watchers + c.extra, fds);
    Report(name, "watches " + std::to_string(c.watchers) + "+" + std::to_string(c.extra),
           RunProbes(labd->port(), c.probes), labd->pid(), note);
    for (int fd : fds) close(fd);
  }
}

Config ParseArgs(int argc, char** argv) {
  Config c;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--labd") {
      c.binaries.push_back(value);
    } else if (flag == "--idle") {
      c.idle = std::stoul(value);
    } else if (flag == "--watchers") {
      c.watchers = std::stoul(value);
    } else if (flag == "--extra") {
      c.extra = std::stoul(value);
    } else if (flag == "--probes") {
      c.probes = std::stoi(value);
    } else {
      std::fprintf(stderr,
                   "usage: conn_bench [--labd PATH]... [--idle N] [--watchers W] [--extra M] "
                   "[--probes P]\n");
      std::exit(2);
    }
  }
  if (c.binaries.empty()) c.binaries.push_back("");
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  Config c = ParseArgs(argc, argv);
  RaiseOwnFdLimit();
  std::printf(
      "| labd | scenario | probes answered | p50 ms | p99 ms | max ms | threads | RSS MB "
      "| notes |\n|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& binary : c.binaries) BenchBinary(c, binary);
  return 0;
}
