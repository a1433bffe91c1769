// IP addresses and CIDR prefixes, IPv4 and IPv6, without any system state.
//
// Parsing is strict: an address is dotted-quad IPv4 or RFC 4291 IPv6 text (no zone, no prefix);
// a CIDR is "address/prefix" with 0 <= prefix <= 32 (or 128). ParseCidr keeps the host bits
// as written ("10.1.1.1/30" is an interface address), Network() clears them; IsNetworkCidr tells
// whether the text named the network itself ("10.1.1.0/30"). Values are plain data: cheap to
// copy, comparable, thread-safe. Shared by validation and by the network wiring.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace labctl::api {

enum class IpFamily { kV4 = 4, kV6 = 6 };

struct IpAddress {
  IpFamily family = IpFamily::kV4;
  // Network byte order; IPv4 uses bytes[0..3] and leaves the rest zero.
  std::array<uint8_t, 16> bytes{};

  int BitLength() const { return family == IpFamily::kV4 ? 32 : 128; }
  // Canonical text: "10.0.0.1", "fd00::1".
  std::string ToString() const;
  bool operator==(const IpAddress&) const = default;
};

struct Cidr {
  IpAddress address;  // as written, host bits included
  int prefix = 0;

  IpFamily family() const { return address.family; }
  IpAddress Network() const;    // host bits cleared
  IpAddress Broadcast() const;  // host bits set (the IPv4 broadcast address)
  bool IsNetworkCidr() const { return Network() == address; }
  bool Contains(const IpAddress& ip) const;
  // True when the two prefixes share any address (same family only).
  bool Overlaps(const Cidr& other) const;
  // "192.168.1.0/24" style: the network, not the address as written.
  std::string NetworkString() const;
  // "10.1.1.1/30" style: the address as written.
  std::string ToString() const;
  bool operator==(const Cidr&) const = default;
};

std::optional<IpAddress> ParseIp(std::string_view text);  // either family
std::optional<IpAddress> ParseIpv4(std::string_view text);
std::optional<IpAddress> ParseIpv6(std::string_view text);
std::optional<Cidr> ParseCidr(std::string_view text);  // either family
std::optional<Cidr> ParseCidrV4(std::string_view text);
std::optional<Cidr> ParseCidrV6(std::string_view text);

// For an address inside `net`: true if it is the network address, or (IPv4, prefix <= 30) the
// broadcast address: the two a host must not use.
bool IsReservedInSubnet(const Cidr& net, const IpAddress& ip);

}  // namespace labctl::api
