// api_bench: labd's HTTP API over loopback (results in docs/benchmarks.md, "API").
//
// Starts its own labd on a temp data dir (or uses --server URL), then measures:
//   create/s   N keep-alive clients creating Labs (--objects in total)
//   get/s      N clients getting random Labs for --seconds
//   list/s     N clients listing a 100-object label selection for --seconds
//   RSS        labd's VmRSS with --objects objects stored (at once, and after labd's heap trim)
//   watch      write -> event-at-watcher latency p50/p99 with 1, 100 and 1000 watchers: one
//              writer patches a label `seq=i`, waits until every watcher saw it, repeats.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_http.h"
#include "bench/proc_stats.h"
#include "tests/support/labd_process.h"

namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
using labctl::bench::Percentile;
using labctl::bench::RssKb;

const std::string& kLabs = labctl::bench::kLabsPath;

struct Config {
  std::string server_host = "127.0.0.1";
  int server_port = 0;      // 0: start our own labd
  std::string labd_binary;  // the labd to start; empty: this build's
  int clients = 8;
  int objects = 10'000;
  double seconds = 3;
  int watch_writes = 200;
  std::vector<int> watcher_counts = {1, 100, 1000};
};

json Lab(const std::string& name, const json& labels) {
  return labctl::bench::BenchLab(name, labels);
}

std::unique_ptr<httplib::Client> NewClient(const Config& c) {
  return labctl::bench::KeepAliveClient(c.server_host, c.server_port);
}

// Runs `fn(client_index, request_index)` on `clients` threads until `total` requests were made
// (total > 0) or `seconds` passed; returns requests per second.
template <class Fn>
double Hammer(const Config& c, int total, double seconds, Fn fn) {
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  std::atomic<int> errors{0};
  auto start = SteadyClock::now();
  auto deadline = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (int t = 0; t < c.clients; ++t) {
    threads.emplace_back([&, t] {
      auto client = NewClient(c);
      for (;;) {
        int i = next++;
        if (total > 0 ? i >= total : SteadyClock::now() >= deadline) return;
        if (!fn(*client, t, i)) ++errors;
        ++done;
      }
    });
  }
  for (auto& th : threads) th.join();
  double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  if (errors > 0) std::fprintf(stderr, "  %d requests failed\n", errors.load());
  return done / elapsed;
}

// Watchers that record, per sequence number, when they saw it. One epoll thread reads every
// stream over plain sockets, so that 1000 watchers do not need 1000 client threads competing
// with labd for the same two cores (the latency measured is labd's, not the client's).
class WatchFleet {
 public:
  WatchFleet(const Config& c, int count, const std::string& path)
      : seen_(count, -1), buffers_(count), epoll_(epoll_create1(0)) {
    for (int w = 0; w < count; ++w) {
      int fd = Connect(c);
      std::string request = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
      if (fd < 0 || write(fd, request.data(), request.size()) != ssize_t(request.size())) {
        std::fprintf(stderr, "watcher %d: cannot connect\n", w);
        std::exit(1);
      }
      fds_.push_back(fd);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u32 = static_cast<uint32_t>(w);
      epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
    }
    reader_ = std::thread([this] { Run(); });
  }
  ~WatchFleet() {
    stop_ = true;
    reader_.join();
    for (int fd : fds_) close(fd);
    close(epoll_);
  }
  // Waits until all watchers saw `seq`; returns each watcher's latency from `written_at`.
  bool WaitAll(int seq, SteadyClock::time_point written_at, std::vector<double>* latencies_ms) {
    std::unique_lock<std::mutex> lock(mu_);
    bool ok = cv_.wait_for(lock, std::chrono::seconds(30), [&] {
      return std::all_of(seen_.begin(), seen_.end(), [&](int s) { return s >= seq; });
    });
    for (const auto& t : seen_at_)
      latencies_ms->push_back(std::chrono::duration<double, std::milli>(t - written_at).count());
    seen_at_.clear();
    return ok;
  }
  // Every stream answered its response headers.
  bool WaitConnected(size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(60), [&] { return connected_ >= count; });
  }

 private:
  static int Connect(const Config& c) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(c.server_port));
    inet_pton(AF_INET, c.server_host.c_str(), &addr.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }

  void Run() {
    std::vector<epoll_event> events(256);
    char data[65536];
    while (!stop_) {
      int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 100);
      for (int i = 0; i < n; ++i) {
        int w = static_cast<int>(events[i].data.u32);
        ssize_t got = read(fds_[w], data, sizeof data);
        if (got > 0) Consume(w, data, static_cast<size_t>(got));
      }
    }
  }

  // Finds `"seq":"N"` in the stream (an event is one chunk, so it is never split by framing).
  void Consume(int w, const char* data, size_t size) {
    std::string& buf = buffers_[w];
    buf.append(data, size);
    auto now = SteadyClock::now();
    std::lock_guard<std::mutex> lock(mu_);
    if (!headers_seen_.count(w) && buf.find("\r\n\r\n") != std::string::npos) {
      headers_seen_.insert(w);
      ++connected_;
    }
    size_t at;
    while ((at = buf.find("\"seq\":\"")) != std::string::npos) {
      size_t end = buf.find('"', at + 7);
      if (end == std::string::npos) break;
      seen_[w] = std::atoi(buf.c_str() + at + 7);
      seen_at_.push_back(now);
      buf.erase(0, end + 1);
    }
    if (buf.size() > 1 << 20) buf.erase(0, buf.size() - 64);
    cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int> seen_;
  std::vector<std::string> buffers_;
  std::set<int> headers_seen_;
  std::vector<SteadyClock::time_point> seen_at_;
  size_t connected_ = 0;
  std::vector<int> fds_;
  int epoll_;
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

void BenchWatch(const Config& c, int watchers, int labd_pid) {
  auto writer = NewClient(c);
  writer->Post(kLabs, Lab("watched", json::object()).dump(), "application/json");
  auto got = writer->Get(kLabs + "/watched");
  std::string rv = json::parse(got->body)["metadata"]["resourceVersion"];
  WatchFleet fleet(c, watchers, kLabs + "?watch=1&resourceVersion=" + rv);
  if (!fleet.WaitConnected(watchers)) {
    std::printf("| %d | (watchers did not connect) |\n", watchers);
    return;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::vector<double> latencies;
  for (int seq = 1; seq <= c.watch_writes; ++seq) {
    json patch = {{"metadata", {{"labels", {{"seq", std::to_string(seq)}}}}}};
    auto written_at = SteadyClock::now();
    writer->Patch(kLabs + "/watched", patch.dump(), "application/merge-patch+json");
    if (!fleet.WaitAll(seq, written_at, &latencies)) {
      std::printf("| %d | (events missing at seq %d) |\n", watchers, seq);
      return;
    }
  }
  std::printf("| %d | %.2f | %.2f | %.2f | %ld | %ld |\n", watchers, Percentile(latencies, 0.5),
              Percentile(latencies, 0.99), Percentile(latencies, 1.0),
              labd_pid > 0 ? RssKb(labd_pid) / 1024 : -1,
              labd_pid > 0 ? labctl::bench::ProcStatus(labd_pid, "Threads") : -1L);
  std::fflush(stdout);
}

Config ParseArgs(int argc, char** argv) {
  Config c;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--server") {
      std::string rest = value.substr(value.find("://") + 3);
      c.server_host = rest.substr(0, rest.rfind(':'));
      c.server_port = std::stoi(rest.substr(rest.rfind(':') + 1));
    } else if (flag == "--labd") {
      c.labd_binary = value;
    } else if (flag == "--clients") {
      c.clients = std::stoi(value);
    } else if (flag == "--objects") {
      c.objects = std::stoi(value);
    } else if (flag == "--seconds") {
      c.seconds = std::stod(value);
    } else if (flag == "--watch-writes") {
      c.watch_writes = std::stoi(value);
    } else if (flag == "--watchers") {
      c.watcher_counts.clear();
      for (size_t pos = 0; pos < value.size();) {
        size_t comma = value.find(',', pos);
        c.watcher_counts.push_back(std::stoi(value.substr(pos, comma - pos)));
        pos = comma == std::string::npos ? value.size() : comma + 1;
      }
    } else {
      std::fprintf(
          stderr,
          "usage: api_bench [--server URL | --labd PATH] [--clients N] [--objects N] [--seconds S] "
          "[--watchers 1,100,1000] [--watch-writes N]\n");
      std::exit(2);
    }
  }
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  Config c = ParseArgs(argc, argv);
  std::unique_ptr<labctl::testing::LabdProcess> labd;
  int pid = -1;
  if (c.server_port == 0) {
    labctl::testing::LabdProcess::Options options;
    options.extra_args = {"--max-watchers", "1100", "--log-level", "warn"};
    options.binary = c.labd_binary;
    labd = std::make_unique<labctl::testing::LabdProcess>(options);
    if (!labd->running()) return 1;
    c.server_port = labd->port();
    pid = labd->pid();
    std::printf("labd pid %d on port %d, data dir %s\n", pid, c.server_port,
                labd->data_dir().c_str());
  }
  const long rss_empty = pid > 0 ? labctl::testing::ProcStatus(pid, "VmRSS") : -1;

  double creates = Hammer(c, c.objects, 0, [](httplib::Client& cl, int, int i) {
    json labels = {{"group", i < 100 ? "list" : "bulk"}};
    auto r = cl.Post(kLabs, Lab("bench-" + std::to_string(i), labels).dump(), "application/json");
    return r && r->status == 201;
  });
  const long rss_full = pid > 0 ? labctl::testing::ProcStatus(pid, "VmRSS") : -1;
  // labd hands freed heap back every 10 s; what stays is what 10k objects really cost.
  if (pid > 0) std::this_thread::sleep_for(std::chrono::seconds(11));
  const long rss_settled = pid > 0 ? labctl::testing::ProcStatus(pid, "VmRSS") : -1;
  double gets = Hammer(c, 0, c.seconds, [&](httplib::Client& cl, int t, int i) {
    auto r = cl.Get(kLabs + "/bench-" + std::to_string((i * 7919 + t) % c.objects));
    return r && r->status == 200;
  });
  double lists = Hammer(c, 0, c.seconds, [](httplib::Client& cl, int, int) {
    auto r = cl.Get(kLabs + "?labelSelector=group%3Dlist");
    return r && r->status == 200;
  });

  std::printf("\n| measure | result |\n|---|---|\n");
  std::printf("| create/s (%d clients, %d Labs) | %.0f |\n", c.clients, c.objects, creates);
  std::printf("| get/s (%d clients) | %.0f |\n", c.clients, gets);
  std::printf("| list/s (%d clients, 100 of %d Labs by label) | %.0f |\n", c.clients, c.objects,
              lists);
  std::printf(
      "| labd RSS empty / with %d Labs: right after the creates, 11 s later | %ld MB / %ld "
      "MB, %ld MB |\n",
      c.objects, rss_empty / 1024, rss_full / 1024, rss_settled / 1024);
  std::printf("\n| watchers | p50 ms | p99 ms | max ms | labd RSS MB | labd threads |\n");
  std::printf("|---|---|---|---|---|---|\n");
  std::fflush(stdout);
  for (int w : c.watcher_counts) BenchWatch(c, w, pid);
  return 0;
}
