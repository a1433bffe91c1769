// The Docker floor of a lab, shared by the lab benchmarks (lab_bench, netlab_bench): what a lab
// asks of Docker done directly, with labd's parallelism and nothing else — its networks created,
// N labbox containers (NET_ADMIN) created and started through the Engine API, and, when links
// are given, a veth pair per link created straight into the two containers' namespaces over
// rtnetlink and set up. No readiness, no status writes, no addressing. Objects are named
// <name>-*, labelled as labd labels lab `name`, and removed again after the measurement.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "drivers/docker/engine.h"
#include "drivers/docker/naming.h"
#include "drivers/net/netns.h"
#include "drivers/net/rtnetlink.h"
#include "reconcilers/lab/run_parallel.h"
#include "reconcilers/providers/docker/lab_cleanup.h"

namespace labctl::bench {

using Clock = std::chrono::steady_clock;
constexpr int kWorkers = 8;  // LabReconcilerOptions::workers

inline double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Median; a failed measurement (-1) anywhere makes it -1.
inline double Median(std::vector<double> v) {
  if (v.empty()) return -1;
  for (double x : v)
    if (x < 0) return -1;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

inline std::string Fixed(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}

inline std::string Ip(int octet, int net, int host) {
  return "10." + std::to_string(octet) + "." + std::to_string(net) + "." + std::to_string(host);
}

struct FloorLab {
  std::string name;  // lab name: prefix of every object
  int nodes = 0;     // n0..n<nodes-1>, all on network "a" at 10.<octet>.1.<10+i>
  int octet = 0;
  int networks = 1;                        // "a", "b": 10.<octet>.1.0/24, 10.<octet>.2.0/24
  std::vector<std::pair<int, int>> links;  // veth pairs between node indexes
};

// A veth per link, each end named after its peer ("to<peer index>"), both ends up.
inline api::Status WireLinks(docker::DockerEngine& engine, const FloorLab& lab) {
  std::vector<int> pids(lab.nodes, 0);
  reconcilers::RunParallel(lab.nodes, kWorkers, [&](size_t i) {
    auto info = engine.InspectContainer(docker::ContainerName(lab.name, "n" + std::to_string(i)));
    if (info.ok()) pids[i] = info->pid;
  });
  std::atomic<int> failures{0};
  reconcilers::RunParallel(lab.links.size(), kWorkers, [&](size_t k) {
    auto [a, b] = lab.links[k];
    const std::string a_end = "to" + std::to_string(b), b_end = "to" + std::to_string(a);
    auto rtnl = net::Rtnl::Open();
    api::Status st = rtnl.ok() ? rtnl->CreateVeth(a_end, pids[a], b_end, pids[b]) : rtnl.status();
    for (auto [pid, end] : {std::pair{pids[a], a_end}, std::pair{pids[b], b_end}}) {
      if (!st.ok()) break;
      auto ns = net::Netns::OpenPid(pid);
      st = ns.ok() ? ns->Run([&]() -> api::Status {
        auto in = net::Rtnl::Open();
        if (!in.ok()) return in.status();
        auto link = in->FindLinkByName(end);
        if (!link.ok()) return link.status();
        if (!*link) return api::Status::NotFound(end);
        return in->SetUp((*link)->index, true);
      })
                   : ns.status();
    }
    if (!st.ok()) {
      ++failures;
      std::fprintf(stderr, "floor link %d-%d: %s\n", a, b, st.ToString().c_str());
    }
  });
  return failures > 0 ? api::Status::Internal("floor links failed") : api::Status::Ok();
}

// Removes what the floor made. Right after its containers go, dockerd can still refuse to remove
// their network (an endpoint not yet released): a network left behind would overlap the next
// floor's subnet, so this tries again until nothing is left, and says so if something is.
inline void RemoveFloor(docker::DockerEngine& engine, const std::string& lab) {
  api::Status last;
  for (int attempt = 0; attempt < 40; ++attempt) {
    auto removed = reconcilers::RemoveLabObjects(engine, lab, [](const auto&) { return true; });
    if (removed.ok() && !removed->any()) return;
    if (!removed.ok()) last = removed.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::fprintf(stderr, "floor %s: not removed: %s\n", lab.c_str(), last.ToString().c_str());
}

// Seconds the floor of `lab` took, or -1 when any step failed (then it is not a floor).
inline double Floor(docker::DockerEngine& engine, const FloorLab& lab) {
  auto start = Clock::now();
  std::atomic<int> failures{0};
  reconcilers::RunParallel(lab.networks, 4, [&](size_t i) {
    std::string net = i == 0 ? "a" : "b";
    auto created =
        engine.CreateNetwork({docker::NetworkName(lab.name, net),
                              Ip(lab.octet, static_cast<int>(i) + 1, 0) + "/24",
                              "",
                              "",
                              docker::NetworkLabels(lab.name, "floor", net, "h", "lbfloor"),
                              {{"com.docker.network.bridge.enable_ip_masquerade", "false"}}});
    if (!created.ok()) {
      ++failures;
      std::fprintf(stderr, "floor network: %s\n", created.status().ToString().c_str());
    }
  });
  reconcilers::RunParallel(lab.nodes, kWorkers, [&](size_t i) {
    std::string node = "n" + std::to_string(i);
    docker::ContainerSpec c;
    c.name = docker::ContainerName(lab.name, node);
    c.image = "labbox:latest";
    c.cap_add = {"NET_ADMIN"};
    c.labels = docker::ContainerLabels(lab.name, "floor", node, "h", "lbfloor");
    c.network = docker::EndpointSpec{docker::NetworkName(lab.name, "a"),
                                     Ip(lab.octet, 1, 10 + static_cast<int>(i)), ""};
    auto id = engine.CreateContainer(c);
    auto st = id.ok() ? engine.StartContainer(*id) : id.status();
    if (!st.ok()) {
      ++failures;
      std::fprintf(stderr, "floor: %s\n", st.ToString().c_str());
    }
  });
  if (failures == 0 && !lab.links.empty() && !WireLinks(engine, lab).ok()) ++failures;
  double t = Seconds(Clock::now() - start);
  if (failures > 0) t = -1;
  RemoveFloor(engine, lab.name);
  return t;
}

}  // namespace labctl::bench
