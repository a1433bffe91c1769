// session_bench: the session queue against a real labd on loopback (see docs/benchmarks.md,
// "## Sessions").
//   1. promotion latency: from sending the release of the Active session to a watcher seeing the
//      next waiter Active, p50/p99 over N hand-overs (slots 1);
//   2. throughput: sessions/s through the queue with H concurrent holders, each creating a
//      session, waiting for it by watch while a heartbeat thread keeps every live session fresh,
//      then heartbeating once and releasing.
// Usage: session_bench [--handovers 1000] [--holders 200] [--rounds 5]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "support/labd_process.h"

using namespace std::chrono_literals;
using labctl::api::json;
using labctl::api::Kind;
using Clock = std::chrono::steady_clock;

namespace {

json NewSession() {
  return {{"apiVersion", labctl::api::kApiVersion},
          {"kind", "Session"},
          {"metadata", {{"generateName", "bench-"}}},
          {"spec", json::object()}};
}

labctl::client::Client Connect(const std::string& url) {
  return labctl::client::Client(labctl::client::Options{url, "", 30000ms});
}

std::string Action(const std::string& name, const char* verb) {
  return labctl::client::ResourcePath(Kind::kSession, name) + "/" + verb;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

// Records when each session is first seen Active by one watch on all sessions.
class ActiveWatcher {
 public:
  ActiveWatcher(const std::string& url, const std::string& from)
      : url_(url), thread_([this, url, from] { Run(url, from); }) {}
  // One more Session write wakes the watch so it sees stop_ (no reconnects while measuring).
  ~ActiveWatcher() {
    stop_ = true;
    Connect(url_).Create(Kind::kSession, NewSession());
    thread_.join();
  }
  Clock::time_point WaitActive(const std::string& name) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return seen_.count(name) > 0; });
    return seen_[name];
  }

 private:
  // Resumed from the last revision seen if the server ends the stream.
  void Run(const std::string& url, std::string from) {
    auto c = Connect(url);
    while (!stop_) {
      labctl::client::WatchParams params;
      params.resource_version = from;
      c.Watch(Kind::kSession, params, [&](const json& e) {
        from = labctl::api::ResourceVersion(e["object"]);
        if (e["object"].value("/status/phase"_json_pointer, std::string()) == "Active") {
          std::lock_guard<std::mutex> lock(mu_);
          seen_.emplace(labctl::api::Name(e["object"]), Clock::now());
          cv_.notify_all();
        }
        return !stop_.load();
      });
    }
  }
  std::string url_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Clock::time_point> seen_;
  std::thread thread_;
};

void PromotionLatency(const std::string& url, int handovers) {
  auto c = Connect(url);
  std::string from = (*c.List(Kind::kSession))["metadata"]["resourceVersion"];
  ActiveWatcher watcher(url, from);
  std::string active = labctl::api::Name(*c.Create(Kind::kSession, NewSession()));
  watcher.WaitActive(active);
  std::vector<double> ms;
  for (int i = 0; i < handovers; ++i) {
    std::string next = labctl::api::Name(*c.Create(Kind::kSession, NewSession()));
    auto t0 = Clock::now();
    c.Post(Action(active, "release"), json::object());
    auto t1 = watcher.WaitActive(next);
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    active = next;
  }
  c.Post(Action(active, "release"), json::object());
  std::printf("promotion latency over %d hand-overs: p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
              handovers, Percentile(ms, 0.50), Percentile(ms, 0.99), Percentile(ms, 1.0));
}

void Throughput(const std::string& url, int holders, int rounds) {
  std::mutex mu;
  std::set<std::string> live;
  std::atomic<bool> done{false};
  std::atomic<long> heartbeats{0};
  std::thread beater([&] {
    auto c = Connect(url);
    while (!done) {
      std::vector<std::string> names;
      {
        std::lock_guard<std::mutex> lock(mu);
        names.assign(live.begin(), live.end());
      }
      for (const auto& n : names)
        if (c.Post(Action(n, "heartbeat"), json::object()).ok()) ++heartbeats;
      std::this_thread::sleep_for(200ms);
    }
  });
  auto start = Clock::now();
  std::vector<std::thread> threads;
  std::atomic<int> served{0};
  for (int h = 0; h < holders; ++h)
    threads.emplace_back([&] {
      auto c = Connect(url);
      for (int r = 0; r < rounds; ++r) {
        auto created = c.Create(Kind::kSession, NewSession());
        if (!created.ok()) continue;
        std::string name = labctl::api::Name(*created);
        {
          std::lock_guard<std::mutex> lock(mu);
          live.insert(name);
        }
        labctl::client::WatchParams params;
        params.name = name;
        c.Watch(Kind::kSession, params, [&](const json& e) {
          return e["object"].value("/status/phase"_json_pointer, std::string()) != "Active";
        });
        c.Post(Action(name, "heartbeat"), json::object());
        c.Post(Action(name, "release"), json::object());
        {
          std::lock_guard<std::mutex> lock(mu);
          live.erase(name);
        }
        ++served;
      }
    });
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  done = true;
  beater.join();
  std::printf(
      "throughput: %d sessions through the queue with %d holders in %.1f s = %.0f "
      "sessions/s (%ld background heartbeats)\n",
      served.load(), holders, secs, served.load() / secs, heartbeats.load());
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  int handovers = 1000, holders = 200, rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    int value = std::atoi(argv[i + 1]);
    if (flag == "--handovers") handovers = value;
    if (flag == "--holders") holders = value;
    if (flag == "--rounds") rounds = value;
  }
  {
    labctl::testing::LabdProcess::Options o;
    if (getenv("BENCH_DEBUG")) o.extra_args = {"--log-level", "debug"};
    labctl::testing::LabdProcess labd(o);
    std::printf("labd data dir %s\n", labd.data_dir().c_str());
    PromotionLatency(labd.url(), handovers);
  }
  {
    labctl::testing::LabdProcess labd;
    Throughput(labd.url(), holders, rounds);
  }
  return 0;
}
