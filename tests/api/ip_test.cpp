#include "api/ip.h"

#include <gtest/gtest.h>

namespace labctl::api {
namespace {

TEST(Ip, ParsesBothFamilies) {
  auto v4 = ParseIp("192.168.1.10");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->family, IpFamily::kV4);
  EXPECT_EQ(v4->ToString(), "192.168.1.10");
  auto v6 = ParseIp("FD00:0:0::1");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->family, IpFamily::kV6);
  EXPECT_EQ(v6->ToString(), "fd00::1");
}

TEST(Ip, RejectsMalformedAddresses) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/24", "01.2.3.4x",
                          "fd00::1::2", "fd00::1%eth0", "abc", " 1.2.3.4"})
    EXPECT_FALSE(ParseIp(bad)) << bad;
  EXPECT_FALSE(ParseIpv4("fd00::1"));
  EXPECT_FALSE(ParseIpv6("10.0.0.1"));
}

TEST(Ip, ParsesCidrs) {
  auto c = ParseCidr("10.1.1.1/30");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->prefix, 30);
  EXPECT_FALSE(c->IsNetworkCidr());
  EXPECT_EQ(c->NetworkString(), "10.1.1.0/30");
  EXPECT_EQ(c->ToString(), "10.1.1.1/30");
  EXPECT_EQ(c->Broadcast().ToString(), "10.1.1.3");
  auto v6 = ParseCidr("fd00:0:0::/64");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->IsNetworkCidr());
  EXPECT_EQ(v6->NetworkString(), "fd00::/64");
  for (const char* bad : {"10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/2a",
                          "fd00::/129", "x/24", "10.0.0.0/0024"})
    EXPECT_FALSE(ParseCidr(bad)) << bad;
  EXPECT_FALSE(ParseCidrV4("fd00::/64"));
  EXPECT_FALSE(ParseCidrV6("10.0.0.0/8"));
}

TEST(Ip, Contains) {
  auto net = *ParseCidr("192.168.101.0/24");
  EXPECT_TRUE(net.Contains(*ParseIp("192.168.101.254")));
  EXPECT_FALSE(net.Contains(*ParseIp("192.168.102.1")));
  EXPECT_FALSE(net.Contains(*ParseIp("fd00::1")));
  auto v6 = *ParseCidr("fd00:1::/64");
  EXPECT_TRUE(v6.Contains(*ParseIp("fd00:1::ffff")));
  EXPECT_FALSE(v6.Contains(*ParseIp("fd00:2::1")));
  EXPECT_TRUE(ParseCidr("0.0.0.0/0")->Contains(*ParseIp("8.8.8.8")));
}

TEST(Ip, Overlaps) {
  auto a = *ParseCidr("10.0.0.0/16");
  EXPECT_TRUE(a.Overlaps(*ParseCidr("10.0.5.0/24")));
  EXPECT_TRUE(ParseCidr("10.0.5.0/24")->Overlaps(a));
  EXPECT_FALSE(a.Overlaps(*ParseCidr("10.1.0.0/16")));
  EXPECT_FALSE(a.Overlaps(*ParseCidr("fd00::/8")));
  EXPECT_TRUE(ParseCidr("fd00::/16")->Overlaps(*ParseCidr("fd00:1::/64")));
  EXPECT_FALSE(ParseCidr("fd00::/64")->Overlaps(*ParseCidr("fd00:0:0:1::/64")));
}

TEST(Ip, ReservedAddresses) {
  auto net = *ParseCidr("192.168.1.0/24");
  EXPECT_TRUE(IsReservedInSubnet(net, *ParseIp("192.168.1.0")));
  EXPECT_TRUE(IsReservedInSubnet(net, *ParseIp("192.168.1.255")));
  EXPECT_FALSE(IsReservedInSubnet(net, *ParseIp("192.168.1.1")));
  auto p2p = *ParseCidr("10.0.0.0/31");
  EXPECT_FALSE(IsReservedInSubnet(p2p, *ParseIp("10.0.0.0")));
  EXPECT_FALSE(IsReservedInSubnet(p2p, *ParseIp("10.0.0.1")));
  auto v6 = *ParseCidr("fd00::/64");
  EXPECT_TRUE(IsReservedInSubnet(v6, *ParseIp("fd00::")));
  EXPECT_FALSE(IsReservedInSubnet(v6, *ParseIp("fd00::ffff:ffff:ffff:ffff")));
}

}  // namespace
}  // namespace labctl::api
