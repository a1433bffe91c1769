// churn_bench: memory, disk and write throughput of the store under create/delete churn
// (results in docs/benchmarks.md, "Churn").
//
// Each cycle creates --objects Labs and then deletes every one of them, so 0 objects are left.
// After each cycle it reports creates/s and deletes/s, the RSS once freed heap has been handed
// back (settled), the heap in use (in-process only), the highest RSS sampled during the cycle
// (every 20 ms), the change history kept (revision - compacted revision) and the sizes of
// labd.db and labd.db-wal.
//   --mode store  the Store in-process (this process's RSS; malloc_trim before reading it)
//   --mode http   the real labd over loopback HTTP, --clients keep-alive clients (labd's RSS;
//                 settled = after labd's own 10 s malloc_trim tick)
// Usage: churn_bench [--mode store|http|both] [--cycles N] [--objects N] [--clients N]
//                    [--labd-arg ARG]...   (ARG passed to labd, e.g. --labd-arg=--history-bytes)
#include <httplib.h>
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_http.h"
#include "bench/proc_stats.h"
#include "store/store.h"
#include "tests/support/labd_process.h"

namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
using labctl::bench::FileBytes;
using labctl::bench::RssKb;

const std::string& kLabs = labctl::bench::kLabsPath;

struct Config {
  std::string mode = "both";
  int cycles = 4;
  int objects = 100'000;
  int clients = 8;
  std::vector<std::string> labd_args;
};

json Lab(const std::string& name) { return labctl::bench::BenchLab(name, {{"group", "churn"}}); }

std::string Name(int i) { return "churn-" + std::to_string(i); }

// Runs `total` operations on `threads` threads; `make_worker(t)` returns thread t's
// bool(int i). Returns operations per second; counts failures into *errors.
double Parallel(int threads, int total, std::atomic<int>* errors,
                const std::function<std::function<bool(int)>(int)>& make_worker) {
  std::atomic<int> next{0};
  auto start = SteadyClock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto work = make_worker(t);
      for (int i; (i = next++) < total;)
        if (!work(i)) ++*errors;
    });
  }
  for (auto& th : pool) th.join();
  return total / std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Samples a process's RSS every 20 ms and keeps the highest value since the last Take().
class PeakSampler {
 public:
  explicit PeakSampler(pid_t pid) : pid_(pid), thread_([this] { Run(); }) {}
  ~PeakSampler() {
    stop_ = true;
    thread_.join();
  }
  long Take() { return peak_.exchange(RssKb(pid_)); }

 private:
  void Run() {
    while (!stop_) {
      long rss = RssKb(pid_);
      long seen = peak_.load();
      while (rss > seen && !peak_.compare_exchange_weak(seen, rss)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  pid_t pid_;
  std::atomic<long> peak_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// One target of the churn: creates and deletes Lab i, reports memory and history.
struct Target {
  std::function<std::function<bool(int)>(int)> creator;
  std::function<std::function<bool(int)>(int)> deleter;
  std::function<long()> settled_rss_kb;  // after freed heap was handed back
  std::function<long()> heap_in_use_kb;  // malloc'd and not freed; -1 if unknown
  std::function<uint64_t()> history;     // changes kept for watch resumption
  pid_t pid;
  std::string data_dir;
};

std::string Mb(long kb) { return kb < 0 ? "-" : std::to_string(kb / 1024); }

void RunCycles(const Config& c, const Target& target) {
  PeakSampler peak(target.pid);
  std::printf(
      "| cycle | creates/s | deletes/s | RSS settled MB | heap in use MB | RSS peak MB | history | "
      "labd.db MB | -wal MB |\n|---|---|---|---|---|---|---|---|---|\n");
  std::printf("| 0 | | | %ld | %s | | %lu | %.1f | %.1f |\n", target.settled_rss_kb() / 1024,
              Mb(target.heap_in_use_kb()).c_str(), static_cast<unsigned long>(target.history()),
              FileBytes(target.data_dir + "/labd.db") / 1e6,
              FileBytes(target.data_dir + "/labd.db-wal") / 1e6);
  std::fflush(stdout);
  peak.Take();
  for (int cycle = 1; cycle <= c.cycles; ++cycle) {
    std::atomic<int> errors{0};
    double creates = Parallel(c.clients, c.objects, &errors, target.creator);
    double deletes = Parallel(c.clients, c.objects, &errors, target.deleter);
    long peak_kb = peak.Take();
    long settled_kb = target.settled_rss_kb();
    std::printf("| %d | %.0f | %.0f | %ld | %s | %ld | %lu | %.1f | %.1f |\n", cycle, creates,
                deletes, settled_kb / 1024, Mb(target.heap_in_use_kb()).c_str(), peak_kb / 1024,
                static_cast<unsigned long>(target.history()),
                FileBytes(target.data_dir + "/labd.db") / 1e6,
                FileBytes(target.data_dir + "/labd.db-wal") / 1e6);
    if (errors > 0) std::printf("(%d operations failed)\n", errors.load());
    std::fflush(stdout);
  }
  std::printf("process peak (VmHWM): %ld MB\n\n",
              labctl::bench::ProcStatus(target.pid, "VmHWM") / 1024);
}

void RunStore(const Config& c) {
  std::string dir = labctl::testing::MakeTempDir("labctl-churn-bench");
  labctl::store::Options o;
  o.data_dir = dir;
  auto opened = labctl::store::Store::Open(o);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    std::exit(1);
  }
  auto store = std::move(opened).value();
  using labctl::api::Kind;
  Target t;
  t.pid = getpid();
  t.data_dir = dir;
  t.creator = [&](int) {
    return [&](int i) { return store->Create(Kind::kLab, Lab(Name(i))).ok(); };
  };
  t.deleter = [&](int) { return [&](int i) { return store->Delete(Kind::kLab, Name(i)).ok(); }; };
  t.settled_rss_kb = [] {
    malloc_trim(0);
    return RssKb(getpid());
  };
  t.heap_in_use_kb = [] { return static_cast<long>(mallinfo2().uordblks / 1024); };
  t.history = [&] { return store->Revision() - store->CompactedRevision(); };
  std::printf("## store in-process (%d Labs per cycle, %d threads, data dir %s)\n\n", c.objects,
              c.clients, dir.c_str());
  RunCycles(c, t);
  store.reset();
  std::filesystem::remove_all(dir);
}

std::unique_ptr<httplib::Client> NewClient(int port) {
  return labctl::bench::KeepAliveClient("127.0.0.1", port);
}

// labd_store_revision - labd_store_compacted_revision from /metrics.
uint64_t HistoryOverHttp(int port) {
  auto r = NewClient(port)->Get("/metrics");
  if (!r || r->status != 200) return 0;
  auto value = [&](const std::string& name) -> uint64_t {
    size_t at = r->body.find("\n" + name + " ");
    return at == std::string::npos ? 0 : std::stoull(r->body.substr(at + name.size() + 2));
  };
  return value("labd_store_revision") - value("labd_store_compacted_revision");
}

void RunHttp(const Config& c) {
  labctl::testing::LabdProcess::Options options;
  options.extra_args = {"--log-level", "warn"};
  options.extra_args.insert(options.extra_args.end(), c.labd_args.begin(), c.labd_args.end());
  labctl::testing::LabdProcess labd(options);
  if (!labd.running()) std::exit(1);
  const int port = labd.port();
  Target t;
  t.pid = labd.pid();
  t.data_dir = labd.data_dir();
  t.creator = [&](int) {
    return [client = std::shared_ptr(NewClient(port))](int i) {
      auto r = client->Post(kLabs, Lab(Name(i)).dump(), "application/json");
      return r && r->status == 201;
    };
  };
  t.deleter = [&](int) {
    return [client = std::shared_ptr(NewClient(port))](int i) {
      auto r = client->Delete(kLabs + "/" + Name(i));
      return r && r->status == 200;
    };
  };
  // labd calls malloc_trim every 10 s: what is resident after that is what it really holds.
  t.settled_rss_kb = [&] {
    std::this_thread::sleep_for(std::chrono::seconds(11));
    return RssKb(labd.pid());
  };
  t.heap_in_use_kb = [] { return -1L; };
  t.history = [&] { return HistoryOverHttp(port); };
  std::printf("## labd over HTTP (%d Labs per cycle, %d clients, data dir %s, extra args:",
              c.objects, c.clients, t.data_dir.c_str());
  for (const auto& a : c.labd_args) std::printf(" %s", a.c_str());
  std::printf(")\n\n");
  RunCycles(c, t);
  labd.Terminate();
  std::filesystem::remove_all(t.data_dir);
}

Config ParseArgs(int argc, char** argv) {
  Config c;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    if (size_t eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    }
    if (flag == "--mode" && (value == "store" || value == "http" || value == "both")) {
      c.mode = value;
    } else if (flag == "--cycles") {
      c.cycles = std::stoi(value);
    } else if (flag == "--objects") {
      c.objects = std::stoi(value);
    } else if (flag == "--clients") {
      c.clients = std::stoi(value);
    } else if (flag == "--labd-arg") {
      c.labd_args.push_back(value);
    } else {
      std::fprintf(stderr,
                   "usage: churn_bench [--mode store|http|both] [--cycles N] [--objects N] "
                   "[--clients N] [--labd-arg ARG]...\n");
      std::exit(2);
    }
  }
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  mallopt(M_ARENA_MAX, 2);  // as labd does, so the in-process numbers compare
  Config c = ParseArgs(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  if (c.mode != "http") RunStore(c);
  if (c.mode != "store") RunHttp(c);
  return 0;
}
