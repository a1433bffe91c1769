// NAT behaviour, observed rather than read back: a client namespace behind a gateway namespace,
// and an "internet" namespace holding two reflectors (10.78.0.10, .11) and a third host (.12).
#include "drivers/net/nat.h"

#include <gtest/gtest.h>

#include "drivers/net/node_network.h"
#include "net/netns_testing.h"

namespace labctl::net {
namespace {

using testing::BackgroundProcess;
using testing::Cidr;
using testing::Ip;
using testing::Lines;
using testing::ReflectorPath;
using testing::RunIn;
using testing::TestNamespace;

class NatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(WireLink("nattest", 0, {client_.pid(), "eth0", {Cidr("192.168.78.2/24")}},
                         {gateway_.pid(), "eth0", {Cidr("192.168.78.1/24")}})
                    .ok());
    ASSERT_TRUE(WireLink("nattest", 1, {gateway_.pid(), "eth1", {Cidr("10.78.0.1/24")}},
                         {internet_.pid(),
                          "eth0",
                          {Cidr("10.78.0.10/24"), Cidr("10.78.0.11/24"), Cidr("10.78.0.12/24")}})
                    .ok());
    ASSERT_TRUE(SetRoutes(client_.pid(), {Ip("192.168.78.1")}, {}).ok());
    reflector1_ = std::make_unique<BackgroundProcess>(
        internet_.pid(), std::vector<std::string>{ReflectorPath(), "10.78.0.10:3478"});
    reflector2_ = std::make_unique<BackgroundProcess>(
        internet_.pid(), std::vector<std::string>{ReflectorPath(), "10.78.0.11:3478"});
  }

  api::Result<NatOutcome> Apply(NatType type) {
    NatConfig config{type, "eth0", "eth1", Ip("192.168.78.2")};
    return ApplyNat(gateway_.pid(), config);
  }

  // The mappings the two reflectors saw for one client socket.
  std::vector<std::string> Probe(int local_port) {
    return Lines(RunIn(client_.pid(), {ReflectorPath(), "probe", std::to_string(local_port),
                                       "10.78.0.10:3478", "10.78.0.11:3478"}));
  }

  // Sends from the third outside host to the gateway's port; returns what the inside socket got
  // ("" if nothing arrived) and the answer the third host received.
  std::pair<std::string, std::string> Unsolicited(int port) {
    BackgroundProcess listener(client_.pid(),
                               {ReflectorPath(), "listen-once", std::to_string(port), "4"});
    std::string answer = RunIn(internet_.pid(), {ReflectorPath(), "send", "10.78.0.12:5555",
                                                 "10.78.0.1:" + std::to_string(port), "hello"});
    std::string got = listener.WaitOutput(6);
    auto lines = Lines(answer);
    return {got, lines.empty() ? "" : lines[0]};
  }

  TestNamespace client_, gateway_, internet_;
  std::unique_ptr<BackgroundProcess> reflector1_, reflector2_;
};

std::string PortOf(const std::string& mapping) { return mapping.substr(mapping.rfind(':') + 1); }
std::string IpOf(const std::string& mapping) { return mapping.substr(0, mapping.rfind(':')); }

TEST_F(NatTest, ConeKeepsOneMappingForEveryDestinationAndFiltersStrangers) {
  auto applied = Apply(NatType::kCone);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_TRUE(applied->changed);
  auto seen = Probe(41000);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "10.78.0.1:41000");
  EXPECT_EQ(seen[1], "10.78.0.1:41000");
  auto [got, answer] = Unsolicited(41000);
  EXPECT_EQ(answer, "timeout");
  EXPECT_EQ(got, "timeout\n");
}

TEST_F(NatTest, SymmetricGivesANewExternalPortPerDestination) {
  ASSERT_TRUE(Apply(NatType::kSymmetric).ok());
  auto seen = Probe(41001);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(IpOf(seen[0]), "10.78.0.1");
  EXPECT_EQ(IpOf(seen[1]), "10.78.0.1");
  EXPECT_NE(PortOf(seen[0]), PortOf(seen[1]));
}

TEST_F(NatTest, FullConeLetsAThirdHostReachTheInsideSocketThroughTheMapping) {
  ASSERT_TRUE(Apply(NatType::kFullCone).ok());
  auto seen = Probe(41002);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "10.78.0.1:41002");
  EXPECT_EQ(seen[1], "10.78.0.1:41002");
  auto [got, answer] = Unsolicited(41002);
  EXPECT_EQ(got, "10.78.0.12:5555 hello\n");
  EXPECT_EQ(answer, "ok");
}

TEST_F(NatTest, ReapplyingIsANoOpAndChangingTypeChangesBehaviour) {
  ASSERT_TRUE(Apply(NatType::kCone).ok());
  auto again = Apply(NatType::kCone);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed);
  auto cone = Probe(41003);
  ASSERT_EQ(cone.size(), 2u);
  EXPECT_EQ(cone[0], cone[1]);
  // Switching flushes conntrack: the same client port now maps per destination.
  auto changed = Apply(NatType::kSymmetric);
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(changed->changed);
  auto symmetric = Probe(41003);
  ASSERT_EQ(symmetric.size(), 2u);
  EXPECT_NE(PortOf(symmetric[0]), PortOf(symmetric[1]));
}

TEST_F(NatTest, ResetRestoresTheSnapshotTakenAfterApply) {
  ASSERT_TRUE(Apply(NatType::kCone).ok());
  auto snapshot = SnapshotNetworkState(gateway_.pid());
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  // A test run leaves the gateway dirty: NAT removed.
  ASSERT_TRUE(RemoveNat(gateway_.pid()).ok());
  EXPECT_EQ(Probe(41004)[0], "timeout");
  ASSERT_TRUE(ResetNetworkState(gateway_.pid(), *snapshot).ok());
  auto seen = Probe(41005);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "10.78.0.1:41005");
}

}  // namespace
}  // namespace labctl::net
