// Impairment: the qdisc is applied live and the mechanism names what this kernel supports.
#include "drivers/net/impairment.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "drivers/net/delay_queue.h"
#include "drivers/net/node_network.h"
#include "drivers/net/process.h"
#include "net/netns_testing.h"

namespace labctl::net {
namespace {

using testing::BackgroundProcess;
using testing::Cidr;
using testing::Lines;
using testing::ReflectorPath;
using testing::RunIn;
using testing::TestNamespace;

bool KernelHasNetem() {
  TestNamespace probe;
  std::string out = RunIn(probe.pid(), {"tc", "qdisc", "add", "dev", "lo", "root", "netem"});
  auto r = RunIn(probe.pid(), {"tc", "qdisc", "show", "dev", "lo"});
  return r.find("netem") != std::string::npos;
}

TEST(Impairment, AppliesChangesLiveAndClears) {
  TestNamespace a, b;
  ASSERT_TRUE(WireLink("imptest", 0, {a.pid(), "eth1", {Cidr("10.79.0.1/30")}},
                       {b.pid(), "eth1", {Cidr("10.79.0.2/30")}})
                  .ok());
  Impairment imp{.delay_ms = 20, .jitter_ms = 5, .loss_percent = 0, .rate_kbit = 10000};
  auto mechanism = ApplyImpairment(a.pid(), "eth1", imp);
  ASSERT_TRUE(mechanism.ok()) << mechanism.status().ToString();
  std::string qdisc = RunIn(a.pid(), {"tc", "qdisc", "show", "dev", "eth1"});
  if (KernelHasNetem()) {
    EXPECT_EQ(*mechanism, "netem");
    EXPECT_NE(qdisc.find("netem"), std::string::npos) << qdisc;
  } else {
    EXPECT_EQ(*mechanism, "nfqueue+tbf");
    EXPECT_NE(qdisc.find("tbf"), std::string::npos) << qdisc;
    EXPECT_EQ(DelayQueues::Instance().active(), 1u);
  }
  // Changed live (no restart): a new rate replaces the qdisc in place.
  imp.rate_kbit = 2000;
  ASSERT_TRUE(ApplyImpairment(a.pid(), "eth1", imp).ok());
  EXPECT_NE(RunIn(a.pid(), {"tc", "qdisc", "show", "dev", "eth1"}).find("2Mbit"),
            std::string::npos);
  // Traffic still flows through the shaped link.
  BackgroundProcess reflector(b.pid(), {ReflectorPath(), "3478"});
  auto seen = Lines(RunIn(a.pid(), {ReflectorPath(), "probe", "42000", "10.79.0.2:3478"}));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], "10.79.0.1:42000");

  auto cleared = ApplyImpairment(a.pid(), "eth1", Impairment{});
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(*cleared, "none");
  qdisc = RunIn(a.pid(), {"tc", "qdisc", "show", "dev", "eth1"});
  EXPECT_EQ(qdisc.find("tbf"), std::string::npos) << qdisc;
  EXPECT_EQ(qdisc.find("netem"), std::string::npos) << qdisc;
  EXPECT_EQ(DelayQueues::Instance().active(), 0u);
}

struct PingStats {
  int sent = 0, received = 0;
  double avg_ms = -1;
};

// Busybox ping (the host has busybox-static for the test image; iputils is not required):
// "N packets transmitted, M packets received" and "round-trip min/avg/max = a/b/c ms".
PingStats Ping(int pid, const std::string& to, int count, const std::string& interval) {
  std::string out = RunIn(pid, {"/bin/busybox", "ping", "-q", "-c", std::to_string(count), "-i",
                                interval, "-W", "2", to});
  PingStats s;
  std::sscanf(out.c_str() + std::min(out.size(), out.find("---")),
              "%*[^\n]\n%d packets transmitted, %d", &s.sent, &s.received);
  if (auto at = out.find("min/avg/max"); at != std::string::npos) {
    double min = 0, avg = 0;
    if (std::sscanf(out.c_str() + out.find('=', at) + 1, " %lf/%lf", &min, &avg) == 2)
      s.avg_ms = avg;
  }
  return s;
}

// Behaviour, not rules: the round trip grows by at least the delay, the loss rate is near the
// configured one over many packets, and a live change takes effect (netem where the kernel has
// it, labd's NFQUEUE path here). Bounds are generous: this machine is shared and busy.
TEST(Impairment, DelayAndLossAreMeasurableAndChangeLive) {
  TestNamespace a, b;
  ASSERT_TRUE(WireLink("imptest", 1, {a.pid(), "eth1", {Cidr("10.79.1.1/30")}},
                       {b.pid(), "eth1", {Cidr("10.79.1.2/30")}})
                  .ok());
  PingStats base = Ping(a.pid(), "10.79.1.2", 5, "0.2");
  ASSERT_EQ(base.received, 5);

  auto mechanism = ApplyImpairment(a.pid(), "eth1", Impairment{.delay_ms = 40});
  ASSERT_TRUE(mechanism.ok()) << mechanism.status().ToString();
  EXPECT_TRUE(*mechanism == "netem" || *mechanism == "nfqueue") << *mechanism;
  PingStats delayed = Ping(a.pid(), "10.79.1.2", 10, "0.2");
  EXPECT_EQ(delayed.received, 10);
  EXPECT_GE(delayed.avg_ms, 40.0) << "base avg " << base.avg_ms;
  std::printf("[ measured ] rtt avg %.3f ms without impairment, %.3f ms with delayMs 40 (%s)\n",
              base.avg_ms, delayed.avg_ms, mechanism->c_str());

  // Live: more delay plus jitter, same interface, nothing restarted.
  ASSERT_TRUE(ApplyImpairment(a.pid(), "eth1", Impairment{.delay_ms = 80, .jitter_ms = 10}).ok());
  PingStats more = Ping(a.pid(), "10.79.1.2", 10, "0.2");
  EXPECT_EQ(more.received, 10);
  EXPECT_GE(more.avg_ms, 70.0);
  std::printf("[ measured ] rtt avg %.3f ms with delayMs 80 jitterMs 10\n", more.avg_ms);

  // Loss on a's egress only: each echo request is dropped with p = 0.3.
  ASSERT_TRUE(ApplyImpairment(a.pid(), "eth1", Impairment{.loss_percent = 30}).ok());
  PingStats lossy = Ping(a.pid(), "10.79.1.2", 300, "0.01");
  ASSERT_EQ(lossy.sent, 300);
  double loss = 100.0 * (lossy.sent - lossy.received) / lossy.sent;
  EXPECT_GT(loss, 15.0);
  EXPECT_LT(loss, 45.0);
  std::printf("[ measured ] loss %.1f%% over %d packets with lossPercent 30\n", loss, lossy.sent);

  auto cleared = ApplyImpairment(a.pid(), "eth1", Impairment{});
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(*cleared, "none");
  EXPECT_EQ(Ping(a.pid(), "10.79.1.2", 20, "0.01").received, 20);
}

}  // namespace
}  // namespace labctl::net
