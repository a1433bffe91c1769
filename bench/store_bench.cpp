// store_bench: the Store in-process — durable creates/s with 1, 8 and 64 writer threads under
// synchronous=NORMAL and FULL (group commit at work), and the latency of fanning one change out
// to 1000 watchers. Also times fdatasync on the data dir's disk, since every write number
// depends on it. Usage: store_bench [--dir BASE] [--writes N] [--watchers N]
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench/proc_stats.h"
#include "store/store.h"

namespace {

using labctl::store::Kind;
using Clock = std::chrono::steady_clock;
using labctl::bench::Percentile;
using labctl::store::json;

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

std::string MakeDir(const std::string& base) {
  std::string tmpl = base + "/labctl-store-bench-XXXXXX";
  if (!mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    std::exit(1);
  }
  return tmpl;
}

std::unique_ptr<labctl::store::Store> OpenStore(const std::string& dir, const std::string& sync,
                                                size_t watch_buffer = 4096) {
  labctl::store::Options o;
  o.data_dir = dir;
  o.synchronous = sync;
  o.watch_buffer = watch_buffer;
  auto s = labctl::store::Store::Open(o);
  if (!s.ok()) {
    std::fprintf(stderr, "open: %s\n", s.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(s).value();
}

json Lab(const std::string& name) {
  return {{"metadata", {{"name", name}, {"labels", {{"bench", "store"}}}}},
          {"spec",
           {{"provider", "docker"},
            {"nodes", json::array({{{"name", "client-01"}, {"image", "labbox:latest"}}})}}}};
}

// Mean time of one small write + fdatasync in `dir`.
double FsyncMicros(const std::string& dir, int rounds) {
  std::string path = dir + "/fsync-probe";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  char buf[64] = {};
  auto start = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    if (pwrite(fd, buf, sizeof buf, 0) != sizeof buf || fdatasync(fd) != 0) break;
  }
  double us = Micros(Clock::now() - start) / rounds;
  close(fd);
  unlink(path.c_str());
  return us;
}

struct WriteResult {
  double per_second;
  double p50_us;
  double p99_us;
};

WriteResult BenchCreates(const std::string& base, const std::string& sync, int threads, int total) {
  std::string dir = MakeDir(base);
  auto store = OpenStore(dir, sync);
  int per_thread = total / threads;
  std::vector<std::vector<double>> latencies(threads);
  std::vector<std::thread> workers;
  auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      latencies[t].reserve(per_thread);
      for (int i = 0; i < per_thread; ++i) {
        auto t0 = Clock::now();
        auto r = store->Create(Kind::kLab, Lab("t" + std::to_string(t) + "-" + std::to_string(i)));
        latencies[t].push_back(Micros(Clock::now() - t0));
        if (!r.ok()) std::fprintf(stderr, "create: %s\n", r.status().ToString().c_str());
      }
    });
  }
  for (auto& w : workers) w.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  store.reset();
  std::filesystem::remove_all(dir);
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  return {per_thread * threads / seconds, Percentile(all, 0.5), Percentile(all, 0.99)};
}

struct FanoutResult {
  double create_p50_us;  // Create() call, commit included
  double first_p50_us;   // write start -> first watcher has the event
  double median_p50_us;  // write start -> half the watchers have it
  double last_p50_us;    // write start -> every watcher has it
  double last_max_us;
};

FanoutResult BenchFanout(const std::string& base, int watchers, int writes) {
  std::string dir = MakeDir(base);
  auto store = OpenStore(dir, "NORMAL");
  std::vector<std::unique_ptr<labctl::store::Watch>> watches;
  for (int i = 0; i < watchers; ++i) {
    labctl::store::WatchOptions o;
    o.from_revision = store->Revision();
    watches.push_back(std::move(store->WatchKind(Kind::kLab, o)).value());
  }
  std::vector<Clock::time_point> sent(writes);
  std::vector<std::vector<Clock::time_point>> got(writes, std::vector<Clock::time_point>(watchers));
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < watchers; ++w) {
    threads.emplace_back([&, w] {
      ready++;
      for (int n = 0; n < writes;) {
        labctl::store::WatchEvent e;
        auto next = watches[w]->Poll(&e, std::chrono::seconds(10));
        if (next != labctl::store::Watch::Next::kEvent) return;
        got[n++][w] = Clock::now();
      }
    });
  }
  while (ready < watchers) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::vector<double> create_us;
  for (int i = 0; i < writes; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let watchers drain
    sent[i] = Clock::now();
    if (!store->Create(Kind::kLab, Lab("fan-" + std::to_string(i))).ok()) std::exit(1);
    create_us.push_back(Micros(Clock::now() - sent[i]));
  }
  for (auto& t : threads) t.join();
  std::vector<double> first, median, last;
  for (int i = 0; i < writes; ++i) {
    std::vector<double> lat;
    for (auto t : got[i]) lat.push_back(Micros(t - sent[i]));
    first.push_back(Percentile(lat, 0));
    median.push_back(Percentile(lat, 0.5));
    last.push_back(Percentile(lat, 1));
  }
  watches.clear();
  store.reset();
  std::filesystem::remove_all(dir);
  return {Percentile(create_us, 0.5), Percentile(first, 0.5), Percentile(median, 0.5),
          Percentile(last, 0.5), Percentile(last, 1)};
}

}  // namespace

int main(int argc, char** argv) {
  std::string base = std::filesystem::temp_directory_path();
  int writes = 4000, watchers = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--dir") base = argv[i + 1];
    if (a == "--writes") writes = std::atoi(argv[i + 1]);
    if (a == "--watchers") watchers = std::atoi(argv[i + 1]);
  }
  spdlog::set_level(spdlog::level::warn);

  std::string probe_dir = MakeDir(base);
  std::printf("fdatasync (64 B, %s): %.0f us mean over 1000\n\n", base.c_str(),
              FsyncMicros(probe_dir, 1000));
  std::filesystem::remove_all(probe_dir);

  std::printf("%-12s %8s %8s %12s %12s %12s\n", "synchronous", "threads", "writes", "creates/s",
              "p50 us", "p99 us");
  for (std::string sync : {"NORMAL", "FULL"}) {
    for (int threads : {1, 8, 64}) {
      WriteResult r = BenchCreates(base, sync, threads, writes);
      std::printf("%-12s %8d %8d %12.0f %12.0f %12.0f\n", sync.c_str(), threads, writes,
                  r.per_second, r.p50_us, r.p99_us);
      std::fflush(stdout);
    }
  }

  FanoutResult f = BenchFanout(base, watchers, 50);
  std::printf("\nfan-out to %d watchers (50 creates, medians over writes, us from Create call):\n",
              watchers);
  std::printf("%12s %12s %12s %12s %12s\n", "create", "first", "half", "all", "all (max)");
  std::printf("%12.0f %12.0f %12.0f %12.0f %12.0f\n", f.create_p50_us, f.first_p50_us,
              f.median_p50_us, f.last_p50_us, f.last_max_us);
  return 0;
}
