// Links, renames and routes against real network namespaces (forked children standing in for
// containers); behaviour is checked with UDP round trips through the project's reflector.
#include "drivers/net/node_network.h"

#include <gtest/gtest.h>

#include "drivers/net/netns.h"
#include "drivers/net/rtnetlink.h"
#include "net/netns_testing.h"

namespace labctl::net {
namespace {

using testing::BackgroundProcess;
using testing::Cidr;
using testing::Ip;
using testing::Lines;
using testing::ReflectorPath;
using testing::RtnlIn;
using testing::RunIn;
using testing::TestNamespace;

std::optional<LinkInfo> Link(int pid, const std::string& name) {
  auto l = RtnlIn(pid).FindLinkByName(name);
  EXPECT_TRUE(l.ok());
  return l.ok() ? *l : std::nullopt;
}

TEST(NodeNetwork, WireLinkCarriesUdpBothWaysOverIpv4AndIpv6) {
  TestNamespace a, b;
  LinkEnd end_a{a.pid(), "p2p0", {Cidr("10.77.1.1/30"), Cidr("fd77:1::1/64")}};
  LinkEnd end_b{b.pid(), "p2p1", {Cidr("10.77.1.2/30"), Cidr("fd77:1::2/64")}};
  auto wired = WireLink("nettest", 0, end_a, end_b);
  ASSERT_TRUE(wired.ok()) << wired.status().ToString();
  EXPECT_TRUE(wired->created);

  BackgroundProcess reflector(b.pid(), {ReflectorPath(), "3478"});
  auto out = Lines(
      RunIn(a.pid(), {ReflectorPath(), "probe", "40001", "10.77.1.2:3478", "[fd77:1::2]:3478"}));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "10.77.1.1:40001");
  EXPECT_EQ(out[1], "[fd77:1::1]:40001");
  EXPECT_EQ(Link(a.pid(), "p2p0")->alias, "labctl:nettest:link0");
}

TEST(NodeNetwork, WireLinkTwiceLeavesTheExistingLinkInPlace) {
  TestNamespace a, b;
  LinkEnd end_a{a.pid(), "eth1", {Cidr("10.77.2.1/30")}};
  LinkEnd end_b{b.pid(), "eth1", {Cidr("10.77.2.2/30")}};
  ASSERT_TRUE(WireLink("nettest", 3, end_a, end_b).ok());
  int index_before = Link(a.pid(), "eth1")->index;
  auto again = WireLink("nettest", 3, end_a, end_b);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(Link(a.pid(), "eth1")->index, index_before);
}

// containerlab's endpoint mac: the end has it from its creation on, again after its peer was
// replaced (a new veth), and a changed one is applied to the existing end.
TEST(NodeNetwork, WireLinkGivesAnEndItsMacEveryTimeItIsMade) {
  TestNamespace a;
  LinkEnd end_a{a.pid(), "eth1", {}, 0, "02:00:00:00:77:0A"};
  {
    TestNamespace old_b;
    ASSERT_TRUE(WireLink("nettest", 4, end_a, {old_b.pid(), "eth1", {}}).ok());
    EXPECT_EQ(Link(a.pid(), "eth1")->mac, "02:00:00:00:77:0a");
  }
  TestNamespace b;
  auto wired = WireLink("nettest", 4, end_a, {b.pid(), "eth1", {}, 0, "02:00:00:00:77:0b"});
  ASSERT_TRUE(wired.ok()) << wired.status().ToString();
  EXPECT_TRUE(wired->created);
  EXPECT_EQ(Link(a.pid(), "eth1")->mac, "02:00:00:00:77:0a");
  EXPECT_EQ(Link(b.pid(), "eth1")->mac, "02:00:00:00:77:0b");
  end_a.mac = "02:00:00:00:77:0c";
  ASSERT_TRUE(WireLink("nettest", 4, end_a, {b.pid(), "eth1", {}}).ok());
  EXPECT_EQ(Link(a.pid(), "eth1")->mac, "02:00:00:00:77:0c");
  EXPECT_TRUE(Link(a.pid(), "eth1")->up);
}

TEST(NodeNetwork, WireLinkIsRecreatedAfterOneSideIsReplaced) {
  TestNamespace a;
  LinkEnd end_a{a.pid(), "eth1", {Cidr("10.77.3.1/30")}};
  {
    TestNamespace old_b;
    ASSERT_TRUE(WireLink("nettest", 1, end_a, {old_b.pid(), "eth1", {}}).ok());
  }  // the "container" dies: its namespace takes the veth, and the peer end, with it
  TestNamespace b;
  LinkEnd end_b{b.pid(), "eth1", {Cidr("10.77.3.2/30")}};
  auto wired = WireLink("nettest", 1, end_a, end_b);
  ASSERT_TRUE(wired.ok()) << wired.status().ToString();
  EXPECT_TRUE(wired->created);
  BackgroundProcess reflector(b.pid(), {ReflectorPath(), "3478"});
  auto out = Lines(RunIn(a.pid(), {ReflectorPath(), "probe", "40002", "10.77.3.2:3478"}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], "10.77.3.1:40002");
}

TEST(NodeNetwork, WireLinkRefusesAnInterfaceLabctlDidNotCreate) {
  TestNamespace a, b, c;
  // c-a link tagged for another lab occupies a's eth1.
  ASSERT_TRUE(WireLink("otherlab", 0, {a.pid(), "eth1", {}}, {c.pid(), "eth9", {}}).ok());
  auto wired = WireLink("nettest", 0, {a.pid(), "eth1", {}}, {b.pid(), "eth1", {}});
  EXPECT_EQ(wired.status().code(), api::Code::kConflict) << wired.status().ToString();
  EXPECT_FALSE(Link(b.pid(), "eth1").has_value());
}

TEST(NodeNetwork, RemoveLinkDeletesBothEndsAndToleratesMissingOnes) {
  TestNamespace a, b;
  LinkEnd end_a{a.pid(), "eth1", {}};
  LinkEnd end_b{b.pid(), "eth2", {}};
  ASSERT_TRUE(WireLink("nettest", 2, end_a, end_b).ok());
  ASSERT_TRUE(RemoveLink("nettest", 2, end_a, end_b).ok());
  EXPECT_FALSE(Link(a.pid(), "eth1").has_value());
  EXPECT_FALSE(Link(b.pid(), "eth2").has_value());
  EXPECT_TRUE(RemoveLink("nettest", 2, end_a, end_b).ok());
}

TEST(NodeNetwork, RenameInterfacesSwapsNamesByMacAndKeepsAddressesAndRoutes) {
  TestNamespace a, b;
  ASSERT_TRUE(WireLink("nettest", 0, {a.pid(), "eth0", {Cidr("10.77.4.1/24")}},
                       {b.pid(), "eth0", {Cidr("10.77.4.2/24")}})
                  .ok());
  ASSERT_TRUE(WireLink("nettest", 1, {a.pid(), "eth1", {Cidr("10.77.5.1/24")}},
                       {b.pid(), "eth1", {Cidr("10.77.5.2/24")}})
                  .ok());
  ASSERT_TRUE(SetRoutes(a.pid(), {Ip("10.77.4.2")}, {}).ok());
  std::string mac0 = Link(a.pid(), "eth0")->mac;
  std::string mac1 = Link(a.pid(), "eth1")->mac;

  ASSERT_TRUE(RenameInterfaces(a.pid(), {{mac0, "eth1"}, {mac1, "eth0"}}).ok());
  EXPECT_EQ(Link(a.pid(), "eth1")->mac, mac0);
  EXPECT_EQ(Link(a.pid(), "eth0")->mac, mac1);
  EXPECT_TRUE(RenameInterfaces(a.pid(), {{mac0, "eth1"}, {mac1, "eth0"}}).ok());

  // Behaviour: the address moved with its link, and the default route survived the rename.
  BackgroundProcess reflector(b.pid(), {ReflectorPath(), "3478"});
  auto out = Lines(RunIn(a.pid(), {ReflectorPath(), "probe", "40003", "10.77.4.2:3478"}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], "10.77.4.1:40003");
  auto routes = RtnlIn(a.pid()).ListRoutes(api::IpFamily::kV4);
  ASSERT_TRUE(routes.ok());
  bool has_default = false;
  for (const auto& r : *routes)
    has_default |= r.destination.prefix == 0 && r.gateway == Ip("10.77.4.2");
  EXPECT_TRUE(has_default);
}

TEST(NodeNetwork, RenameInterfacesReportsAnUnknownMac) {
  TestNamespace a;
  auto st = RenameInterfaces(a.pid(), {{"02:00:00:00:00:99", "eth0"}});
  EXPECT_EQ(st.code(), api::Code::kNotFound) << st.ToString();
}

TEST(NodeNetwork, RoutesCarryTrafficThroughARouterNamespace) {
  TestNamespace client, router, server;
  ASSERT_TRUE(WireLink("nettest", 0, {client.pid(), "eth0", {Cidr("10.77.6.2/24")}},
                       {router.pid(), "eth0", {Cidr("10.77.6.1/24")}})
                  .ok());
  ASSERT_TRUE(WireLink("nettest", 1, {router.pid(), "eth1", {Cidr("10.77.7.1/24")}},
                       {server.pid(), "eth0", {Cidr("10.77.7.2/24")}})
                  .ok());
  auto router_ns = Netns::OpenPid(router.pid());
  ASSERT_TRUE(router_ns.ok());
  ASSERT_TRUE(router_ns
                  ->Run([] {
                    FILE* f = fopen("/proc/sys/net/ipv4/ip_forward", "w");
                    if (!f) return api::Status::Internal("ip_forward");
                    fputs("1", f);
                    fclose(f);
                    return api::Status::Ok();
                  })
                  .ok());
  BackgroundProcess reflector(server.pid(), {ReflectorPath(), "3478"});
  // Without routes the server is unreachable.
  auto before = Lines(RunIn(client.pid(), {ReflectorPath(), "probe", "40004", "10.77.7.2:3478"}));
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0], "timeout");

  ASSERT_TRUE(SetRoutes(client.pid(), {Ip("10.77.6.1")}, {}).ok());
  ASSERT_TRUE(SetRoutes(server.pid(), {}, {{Cidr("10.77.6.0/24"), Ip("10.77.7.1")}}).ok());
  ASSERT_TRUE(SetRoutes(server.pid(), {}, {{Cidr("10.77.6.0/24"), Ip("10.77.7.1")}}).ok());
  auto after = Lines(RunIn(client.pid(), {ReflectorPath(), "probe", "40004", "10.77.7.2:3478"}));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0], "10.77.6.2:40004");
}

}  // namespace
}  // namespace labctl::net
