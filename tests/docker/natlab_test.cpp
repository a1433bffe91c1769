// manifests/natlab.yaml brought up for real: the LabReconciler with labd's network hook on the
// real dockerd, every node running the labbox image with the static udp_reflector inside. The
// NAT types are checked by behaviour (mappings seen by two outside reflectors, a third outside
// host reaching an inside socket), then the reachability matrix, the impaired point-to-point
// link and dual-stack ping on the internet network.
//
// The lab keeps the manifest's addresses; only its name (unique per run, swept by prefix when a
// killed run left it behind) and the image change. One bring-up serves every check: natlab is
// eight containers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/yaml.h"
#include "docker/lab_harness.h"
#include "docker/natlab_testing.h"

namespace labctl {
namespace {

using api::json;
using testing::LabHarness;

class NatlabTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { testing::BuildNatlabImage(); }

  void SetUp() override {
    harness_ = std::make_unique<LabHarness>(testing::kNatlabPrefix, /*with_network=*/true);
    lab_ = testing::NatlabRunName();
    json lab = testing::LoadNatlab(lab_);
    ASSERT_FALSE(harness_->Apply(lab).is_null());
  }

  void TearDown() override {
    (void)harness_->store().Delete(api::Kind::kLab, lab_);
    EXPECT_TRUE(harness_->WaitGone(lab_, std::chrono::seconds(120)));
    auto left = harness_->engine().ListContainers(docker::LabSelector(lab_));
    ASSERT_TRUE(left.ok());
    EXPECT_TRUE(left->empty()) << "containers left behind";
    harness_.reset();
  }

  docker::ExecResult Exec(const std::string& node, const std::vector<std::string>& cmd) {
    auto r = harness_->engine().Exec(docker::ContainerName(lab_, node), cmd);
    EXPECT_TRUE(r.ok()) << node << ": " << r.status().ToString();
    return r.ok() ? *r : docker::ExecResult{};
  }

  std::vector<std::string> Probe(const std::string& client, int port) {
    auto r = Exec(
        client, {"udp_reflector", "probe", std::to_string(port), "10.0.1.1:3478", "10.1.1.1:3478"});
    return testing::SplitLines(r.out);
  }

  // From peer-01 (a third outside host), one datagram to the gateway's port while the inside
  // client listens on it: {what the client received, what peer-01 got back}.
  std::pair<std::string, std::string> Unsolicited(const std::string& client,
                                                  const std::string& gateway_ip, int port) {
    docker::ExecResult listened;
    std::thread listener([&] {
      listened = Exec(client, {"udp_reflector", "listen-once", std::to_string(port), "6"});
    });
    EXPECT_TRUE(BoundUdp(client, port)) << "the listener never bound port " << port;
    auto sent = Exec("peer-01", {"udp_reflector", "send", "5555",
                                 gateway_ip + ":" + std::to_string(port), "hello"});
    listener.join();
    auto answer = testing::SplitLines(sent.out);
    return {listened.out, answer.empty() ? "" : answer[0]};
  }

  // Polls until a socket of `node` is bound to UDP `port` (its /proc/net/udp{,6} local address).
  bool BoundUdp(const std::string& node, int port) {
    char local[16];
    std::snprintf(local, sizeof local, ":%04X ", port);
    return testing::PollUntil(
        [&] {
          return Exec(node, {"cat", "/proc/net/udp", "/proc/net/udp6"}).out.find(local) !=
                 std::string::npos;
        },
        std::chrono::seconds(10), std::chrono::milliseconds(50));
  }

  bool Pings(const std::string& node, const std::string& address, int count = 1) {
    std::vector<std::string> cmd = {"ping", "-c", std::to_string(count), "-W", "1", address};
    if (address.find(':') != std::string::npos) cmd.insert(cmd.begin() + 1, "-6");
    return Exec(node, cmd).exit_code == 0;
  }

  // Busybox ping's "round-trip min/avg/max = a/b/c ms" average over 10 pings (-1 if none).
  double AverageRtt(const std::string& node, const std::string& address) {
    auto r = Exec(node, {"ping", "-q", "-c", "10", "-i", "0.2", "-W", "2", address});
    auto at = r.out.find("min/avg/max");
    double min = 0, avg = -1;
    if (at != std::string::npos)
      std::sscanf(r.out.c_str() + r.out.find('=', at) + 1, " %lf/%lf", &min, &avg);
    return avg;
  }

  std::unique_ptr<LabHarness> harness_;
  std::string lab_;
};

std::string PortOf(const std::string& m) { return m.substr(m.rfind(':') + 1); }
std::string IpOf(const std::string& m) { return m.substr(0, m.rfind(':')); }

TEST_F(NatlabTest, ComesUpWithEachNatTypeReachabilityImpairedLinkAndIpv6) {
  ASSERT_TRUE(harness_->WaitReady(lab_, std::chrono::seconds(180)))
      << harness_->store().Get(api::Kind::kLab, lab_)->dump(2);

  // cone: one external mapping, port preserved, for both destinations; strangers filtered.
  auto cone = Probe("client-01", 40000);
  ASSERT_EQ(cone.size(), 2u);
  EXPECT_EQ(cone[0], "10.0.254.1:40000");
  EXPECT_EQ(cone[1], "10.0.254.1:40000");
  auto [cone_got, cone_answer] = Unsolicited("client-01", "10.0.254.1", 40000);
  EXPECT_EQ(cone_answer, "timeout") << "a stranger got through the cone NAT";
  EXPECT_EQ(cone_got.find("hello"), std::string::npos) << cone_got;

  // symmetric: a different external port per destination, same external address.
  auto sym = Probe("client-02", 40001);
  ASSERT_EQ(sym.size(), 2u);
  EXPECT_EQ(IpOf(sym[0]), "10.0.254.2");
  EXPECT_EQ(IpOf(sym[1]), "10.0.254.2");
  EXPECT_NE(PortOf(sym[0]), PortOf(sym[1])) << sym[0] << " " << sym[1];

  // full-cone: the same mapping, and a third outside host reaches the inside socket through it.
  auto full = Probe("client-03", 40002);
  ASSERT_EQ(full.size(), 2u);
  EXPECT_EQ(full[0], "10.0.254.3:40002");
  EXPECT_EQ(full[1], "10.0.254.3:40002");
  auto [full_got, full_answer] = Unsolicited("client-03", "10.0.254.3", 40002);
  EXPECT_EQ(full_got, "10.0.2.1:5555 hello\n");
  EXPECT_EQ(full_answer, "ok");

  // Reachability: every client reaches the internet reflector; no LAN reaches another LAN's
  // private addresses directly (only through the NATs' public side).
  const std::vector<std::pair<std::string, std::string>> clients = {
      {"client-01", "192.168.101.104"},
      {"client-02", "192.168.102.104"},
      {"client-03", "192.168.103.104"}};
  for (const auto& [from, from_ip] : clients) {
    EXPECT_TRUE(Pings(from, "10.0.1.1")) << from << " cannot reach stun-01";
    for (const auto& [to, to_ip] : clients) {
      if (to != from) {
        EXPECT_FALSE(Pings(from, to_ip)) << from << " reached " << to << " directly";
      }
    }
  }
  EXPECT_FALSE(Pings("stun-01", "192.168.101.104")) << "the internet reached a LAN directly";

  // The impaired point-to-point link carries traffic (loss is 1%: most of 10 pings answer).
  auto link = Exec("stun-01", {"ping", "-c", "10", "-i", "0.2", "-W", "2", "10.1.1.2"});
  EXPECT_EQ(link.exit_code, 0) << link.out << link.err;
  auto qdisc = testing::RunInNode(harness_->engine(), lab_, "stun-01",
                                  {"tc", "qdisc", "show", "dev", "eth1"});
  EXPECT_TRUE(qdisc.find("tbf") != std::string::npos || qdisc.find("netem") != std::string::npos)
      << qdisc;
  auto mechanism = testing::LinkMechanism(harness_->store(), lab_, 0);
  EXPECT_TRUE(mechanism == "netem" || mechanism == "nfqueue+tbf") << mechanism;
  // delayMs 20 +- 5 on both ends: every round trip is at least 2 * 15 ms.
  double rtt = AverageRtt("stun-01", "10.1.1.2");
  EXPECT_GE(rtt, 30.0);
  std::printf("[ measured ] natlab backbone rtt avg %.3f ms (delayMs 20 jitterMs 5, %s)\n", rtt,
              mechanism.c_str());

  // Dual stack on the internet network: IPv6 between internet hosts and from a gateway.
  EXPECT_TRUE(Pings("stun-01", "fd00::2:1", 2));
  EXPECT_TRUE(Pings("cone-gw-01", "fd00::1:1", 2));
  EXPECT_TRUE(Pings("stun-01", "fd01::2", 2)) << "IPv6 over the point-to-point link";

  // Live change through the spec (what `labctl apply` does): no container is restarted.
  const std::string stun_id =
      harness_->engine().InspectContainer(docker::ContainerName(lab_, "stun-01"))->id;
  auto object = harness_->store().Get(api::Kind::kLab, lab_);
  ASSERT_TRUE(object.ok());
  json updated = *object;
  updated["spec"]["links"][0]["impairment"] = {{"delayMs", 60}, {"rateKbit", 10000}};
  ASSERT_TRUE(harness_->store().Update(api::Kind::kLab, updated).ok());
  ASSERT_TRUE(harness_->WaitReady(lab_));
  double slower = 0;
  for (int i = 0; i < 20 && slower < 120.0; ++i) {  // applied by the next reconcile
    slower = AverageRtt("stun-01", "10.1.1.2");
  }
  EXPECT_GE(slower, 120.0);
  std::printf("[ measured ] natlab backbone rtt avg %.3f ms after a live change to delayMs 60\n",
              slower);
  EXPECT_EQ(harness_->engine().InspectContainer(docker::ContainerName(lab_, "stun-01"))->id,
            stun_id);
}

}  // namespace
}  // namespace labctl
