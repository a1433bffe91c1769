// neops_bench: the Neops facade and the session queue at scale, for each labd binary given, one
// after the other in one run (docs/benchmarks.md, "## Neops facade and the queue at scale"):
//   1. cycles: POST /session, GET /session/{id}, DELETE /session/{id} on one keep-alive
//      connection, in blocks; cycles/s and p50 per block as finished sessions pile up;
//   2. post-waiting: facade POST /session with --waiting sessions waiting (p50/p99 of the POSTs
//      made once that many wait);
//   3. hand-over: DELETE of the Active session -> a watch on all Sessions sees the next waiter
//      Active, with those waiters and the finished sessions of step 1 in the store;
//   4. heartbeats: a fresh labd with --slots H+1, H holders Active heartbeating every 2 s (phases
//      spread over the period, or all at once with --burst) while --pass sessions go through the
//      free slot; the slowest heartbeat answer.
//   With --floor, step 1 runs first against the cycle's floor (bench/cycle_floor.h: HTTP over
//   loopback and the two SQLite commits, nothing else), in this process.
// Usage: neops_bench [--labd BINARY]... [--cycles 10000] [--block 1000] [--block-limit-s 120]
//                    [--waiting 1000] [--handovers 200] [--holders 200] [--pass 1000] [--burst]
//                    [--floor]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_http.h"
#include "bench/cycle_floor.h"
#include "support/labd_process.h"

using namespace std::chrono_literals;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using labctl::testing::LabdProcess;

namespace {

struct Args {
  std::vector<std::string> labds;
  int cycles = 10000, block = 1000, block_limit_s = 120;
  int waiting = 1000, handovers = 200, holders = 200, pass = 1000;
  bool burst = false;  // step 4: every holder heartbeats at the same instant
  bool floor = false;  // step 1 against CycleFloor first
};

const char kSessions[] = "/apis/labctl.dev/v1alpha1/sessions";

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// CPU time (user + system, ms) a process has used so far: a cost that the machine's load does not
// inflate the way it inflates latencies.
double CpuMs(int pid) {
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (!f) return 0;
  char buf[1024] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  const char* p = std::strrchr(buf, ')');  // after the command name, which may hold spaces
  unsigned long utime = 0, stime = 0;
  if (!p || n == 0 ||
      std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) !=
          2)
    return 0;
  return 1000.0 * static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

std::string Post(httplib::Client& c) {
  auto r = c.Post("/session", "", "application/json");
  if (!r || r->status != 201) {
    std::fprintf(stderr, "POST /session: %d %s\n", r ? r->status : -1, r ? r->body.c_str() : "");
    std::exit(1);
  }
  return json::parse(r->body)["session_id"];
}

void Delete(httplib::Client& c, const std::string& id) {
  auto r = c.Delete("/session/" + id);
  if (!r || r->status != 204) {
    std::fprintf(stderr, "DELETE /session: %d\n", r ? r->status : -1);
    std::exit(1);
  }
}

std::unique_ptr<httplib::Client> Connect(const LabdProcess& labd) {
  return labctl::bench::KeepAliveClient("127.0.0.1", labd.port());
}

// Step 1 against the server on `port` (process `pid`, whose CPU is counted; 0: the floor, in
// this process, whose CPU is the client's too and is not shown). Returns the cycles done (a block
// slower than the limit ends the step).
int Cycles(const std::string& who, int port, int pid, const Args& a) {
  auto c = labctl::bench::KeepAliveClient("127.0.0.1", port);
  int done = 0;
  while (done < a.cycles) {
    int n = std::min(a.block, a.cycles - done);
    std::vector<double> ms, post_ms, get_ms, delete_ms;
    const double cpu_before = pid ? CpuMs(pid) : 0;
    auto start = Clock::now();
    for (int i = 0; i < n; ++i) {
      auto t0 = Clock::now();
      std::string id = Post(*c);
      auto t1 = Clock::now();
      auto r = c->Get("/session/" + id);
      if (!r || r->status != 200) std::exit(1);
      auto t2 = Clock::now();
      Delete(*c, id);
      auto t3 = Clock::now();
      ms.push_back(Ms(t3 - t0));
      post_ms.push_back(Ms(t1 - t0));
      get_ms.push_back(Ms(t2 - t1));
      delete_ms.push_back(Ms(t3 - t2));
    }
    double secs = Ms(Clock::now() - start) / 1000;
    std::printf(
        "%-6s cycles %5d-%-5d %7.0f cycles/s  p50 %6.2f ms  p99 %6.2f ms  "
        "(p50 POST %.2f, GET %.2f, DELETE %.2f ms; labd CPU %.2f ms per cycle)\n",
        who.c_str(), done, done + n, n / secs, Percentile(ms, 0.5), Percentile(ms, 0.99),
        Percentile(post_ms, 0.5), Percentile(get_ms, 0.5), Percentile(delete_ms, 0.5),
        pid ? (CpuMs(pid) - cpu_before) / n : 0.0);
    std::fflush(stdout);
    done += n;
    if (secs > a.block_limit_s) {
      std::printf("%-6s cycles stopped: the block took %.0f s\n", who.c_str(), secs);
      break;
    }
  }
  return done;
}

// Step 2. Returns the ids in queue order (the first is Active).
std::vector<std::string> PostWaiting(const std::string& who, const LabdProcess& labd,
                                     const Args& a) {
  auto c = Connect(labd);
  std::vector<std::string> ids;
  std::vector<double> ms;
  const int measured = a.handovers;  // so that `waiting` remain after the hand-overs
  for (int i = 0; i <= a.waiting + measured; ++i) {
    auto t0 = Clock::now();
    ids.push_back(Post(*c));
    if (i > a.waiting) ms.push_back(Ms(Clock::now() - t0));
  }
  std::printf("%-6s POST /session with %d-%d waiting: p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
              who.c_str(), a.waiting, a.waiting + measured, Percentile(ms, 0.5),
              Percentile(ms, 0.99), Percentile(ms, 1.0));
  std::fflush(stdout);
  return ids;
}

// Times at which a watch on all Sessions saw some Session become Active.
class ActiveFeed {
 public:
  ActiveFeed(int port, const std::string& from)
      : thread_([this, port, from] { Run(port, from); }) {}
  ~ActiveFeed() {
    stop_ = true;
    if (client_) client_->stop();
    thread_.join();
  }
  // When the next Session became Active at or after `since` (a Session's later writes while
  // Active, e.g. heartbeats, are not a promotion and are not counted).
  Clock::time_point Next(Clock::time_point since) {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return !seen_.empty(); });
      auto t = seen_.front();
      seen_.pop_front();
      if (t >= since) return t;
    }
  }

 private:
  void Run(int port, std::string from) {
    client_ = labctl::bench::KeepAliveClient("127.0.0.1", port);
    std::string buffer;
    client_->Get(std::string(kSessions) + "?watch=1&resourceVersion=" + from,
                 [&](const char* data, size_t len) {
                   buffer.append(data, len);
                   size_t nl;
                   while ((nl = buffer.find('\n')) != std::string::npos) {
                     std::string line = buffer.substr(0, nl);
                     buffer.erase(0, nl + 1);
                     if (line.find("\"phase\":\"Active\"") == std::string::npos)
                       continue;  // not each waiter
                     auto e = json::parse(line, nullptr, false);
                     if (e.is_discarded() || e.value("type", "") != "MODIFIED") continue;
                     if (e["object"].value("/status/phase"_json_pointer, std::string()) != "Active")
                       continue;
                     std::lock_guard<std::mutex> lock(mu_);
                     if (!active_.insert(e["object"]["metadata"].value("name", "")).second)
                       continue;
                     seen_.push_back(Clock::now());
                     cv_.notify_all();
                   }
                   return !stop_.load();
                 });
  }
  std::atomic<bool> stop_{false};
  std::unique_ptr<httplib::Client> client_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Clock::time_point> seen_;
  std::set<std::string> active_;  // seen Active already
  std::thread thread_;
};

// Step 3: ids[0] is Active, the rest wait in order.
void HandOvers(const std::string& who, const LabdProcess& labd, const Args& a, int finished,
               const std::vector<std::string>& ids) {
  auto c = Connect(labd);
  auto list = c->Get(std::string(kSessions) + "?limit=1");
  std::string from = json::parse(list->body)["metadata"]["resourceVersion"];
  ActiveFeed feed(labd.port(), from);
  std::vector<double> ms;
  const double cpu_before = CpuMs(labd.pid());
  for (int i = 0; i < a.handovers && i + 1 < static_cast<int>(ids.size()); ++i) {
    auto t0 = Clock::now();
    Delete(*c, ids[i]);
    ms.push_back(Ms(feed.Next(t0) - t0));
  }
  const double cpu =
      (CpuMs(labd.pid()) - cpu_before) / static_cast<double>(std::max<size_t>(1, ms.size()));
  std::printf(
      "%-6s hand-over with %zu-%zu waiting, %d finished: p50 %.2f ms  p99 %.2f ms  "
      "max %.2f ms  (labd CPU %.2f ms per hand-over)\n",
      who.c_str(), ids.size() - 1 - ms.size(), ids.size() - 1, finished, Percentile(ms, 0.5),
      Percentile(ms, 0.99), Percentile(ms, 1.0), cpu);
  std::fflush(stdout);
}

// Step 4. The holders create their sessions first; then, from one instant, each heartbeats every
// 2 s starting at its own offset in the period (spread evenly, as independent CI jobs are;
// --burst: all at the same instant, the worst case) while the pass-through runs, for at least
// one whole period so that every holder is measured.
void Heartbeats(const std::string& who, const std::string& binary, const Args& a) {
  constexpr auto kPeriod = 2000ms;
  LabdProcess::Options o;
  o.binary = binary;
  o.extra_args = {"--slots", std::to_string(a.holders + 1)};
  LabdProcess labd(o);
  std::atomic<bool> done{false}, go{false};
  std::mutex mu;
  std::vector<double> beats;
  std::vector<std::thread> holders;
  std::atomic<int> ready{0};
  for (int h = 0; h < a.holders; ++h)
    holders.emplace_back([&, h] {
      auto c = Connect(labd);
      std::string id = Post(*c);
      ++ready;
      httplib::Headers session{{"X-Session-ID", id}};
      while (!go) std::this_thread::sleep_for(1ms);
      auto next = Clock::now() + (a.burst ? 0ms : kPeriod * h / a.holders);
      while (!done) {
        std::this_thread::sleep_until(next);
        if (done) break;
        next += kPeriod;
        auto t0 = Clock::now();
        auto r = c->Post("/session/heartbeat", session, "", "application/json");
        double ms = Ms(Clock::now() - t0);
        if (!r || r->status != 204) std::fprintf(stderr, "heartbeat: %d\n", r ? r->status : -1);
        std::lock_guard<std::mutex> lock(mu);
        beats.push_back(ms);
      }
      Delete(*c, id);
    });
  while (ready < a.holders) std::this_thread::sleep_for(10ms);
  auto c = Connect(labd);
  auto start = Clock::now();
  go = true;
  for (int i = 0; i < a.pass; ++i) {
    std::string id = Post(*c);
    c->Get("/session/" + id);
    Delete(*c, id);
  }
  double secs = Ms(Clock::now() - start) / 1000;
  std::this_thread::sleep_until(start + kPeriod + 100ms);
  done = true;
  for (auto& t : holders) t.join();
  std::printf(
      "%-6s %d holders heartbeating every 2 s (%s), %d sessions through in %.1f s: "
      "%zu heartbeats, p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
      who.c_str(), a.holders, a.burst ? "all at once" : "phases spread", a.pass, secs, beats.size(),
      Percentile(beats, 0.5), Percentile(beats, 0.99), Percentile(beats, 1.0));
  std::fflush(stdout);
}

void Run(const std::string& binary, const Args& a) {
  std::string who = binary.empty() ? "this" : "other";
  if (!binary.empty()) std::printf("other = %s\n", binary.c_str());
  {
    LabdProcess::Options o;
    o.binary = binary;
    o.extra_args = {"--slots", "1"};
    LabdProcess labd(o);
    int finished = Cycles(who, labd.port(), labd.pid(), a);
    auto ids = PostWaiting(who, labd, a);
    HandOvers(who, labd, a, finished, ids);
  }
  Heartbeats(who, binary, a);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--burst" || k == "--floor") {
      (k == "--burst" ? a.burst : a.floor) = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) break;
    std::string v = argv[i + 1];
    if (k == "--labd")
      a.labds.push_back(v);
    else if (k == "--cycles")
      a.cycles = std::stoi(v);
    else if (k == "--block")
      a.block = std::stoi(v);
    else if (k == "--block-limit-s")
      a.block_limit_s = std::stoi(v);
    else if (k == "--waiting")
      a.waiting = std::stoi(v);
    else if (k == "--handovers")
      a.handovers = std::stoi(v);
    else if (k == "--holders")
      a.holders = std::stoi(v);
    else if (k == "--pass")
      a.pass = std::stoi(v);
  }
  if (a.floor) {
    std::string db = "/tmp/neops-bench-floor-" + std::to_string(getpid()) + ".db";
    {
      labctl::bench::CycleFloor floor(db);
      Cycles("floor", floor.port(), 0, a);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
  }
  for (const auto& binary : a.labds) Run(binary, a);
  Run("", a);
}
