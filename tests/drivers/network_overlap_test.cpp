// OverlappingNetworks and IsPoolOverlap: the pure part of naming the Docker network that covers
// a subnet labd is about to create.
#include "drivers/docker/network_overlap.h"

#include <gtest/gtest.h>

namespace labctl::docker {
namespace {

std::vector<NetworkInfo> Existing() {
  return {{.name = "wide", .subnets = {"192.168.0.0/16"}},
          {.name = "exact", .subnets = {"192.168.102.0/24", "fd00:102::/64"}},
          {.name = "apart", .subnets = {"10.0.0.0/24"}},
          {.name = "garbled", .subnets = {"not-a-cidr"}},
          {.name = "self", .subnets = {"192.168.102.0/24"}}};
}

TEST(NetworkOverlap, NamesEveryOtherNetworkSharingAddressesWithEitherFamily) {
  EXPECT_EQ(OverlappingNetworks(Existing(), {.name = "self", .subnet = "192.168.102.0/25"}),
            "wide (192.168.0.0/16), exact (192.168.102.0/24)");
  EXPECT_EQ(OverlappingNetworks(Existing(), {.name = "v6", .ipv6_subnet = "fd00:102::/48"}),
            "exact (fd00:102::/64)");
  EXPECT_EQ(OverlappingNetworks(Existing(), {.name = "n", .subnet = "10.0.1.0/24"}), "");
}

TEST(NetworkOverlap, TellsDockersPoolRefusalFromOtherErrors) {
  EXPECT_TRUE(
      IsPoolOverlap(api::Status::Forbidden("Pool overlaps with other one on this address space")));
  EXPECT_FALSE(IsPoolOverlap(api::Status::Conflict("network with name n already exists")));
  EXPECT_FALSE(IsPoolOverlap(api::Status::Ok()));
}

}  // namespace
}  // namespace labctl::docker
