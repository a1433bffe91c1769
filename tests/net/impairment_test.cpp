// Impairment: the qdisc is applied live and the mechanism names what this kernel supports.
#include "reconcilers/net/impairment.h"

#include <gtest/gtest.h>

#include "net/netns_testing.h"
#include "reconcilers/net/node_network.h"
#include "reconcilers/net/process.h"

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
    EXPECT_EQ(*mechanism, "tbf; delay/jitter/loss unsupported here: no sch_netem");
    EXPECT_NE(qdisc.find("tbf"), std::string::npos) << qdisc;
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
}

}  // namespace
}  // namespace labctl::net
