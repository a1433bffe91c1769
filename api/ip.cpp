#include "api/ip.h"

#include <arpa/inet.h>

#include <charconv>

namespace labctl::api {

namespace {

// Sets (value=true) or clears every bit after the first `prefix` bits.
IpAddress WithHostBits(IpAddress ip, int prefix, bool value) {
  int bits = ip.BitLength();
  for (int i = prefix; i < bits; ++i) {
    uint8_t mask = static_cast<uint8_t>(0x80u >> (i % 8));
    if (value)
      ip.bytes[i / 8] |= mask;
    else
      ip.bytes[i / 8] &= static_cast<uint8_t>(~mask);
  }
  return ip;
}

std::optional<Cidr> ParseCidrOf(std::string_view text,
                                std::optional<IpAddress> (*parse)(std::string_view)) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ip = parse(text.substr(0, slash));
  if (!ip) return std::nullopt;
  std::string_view digits = text.substr(slash + 1);
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  int prefix = -1;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  if (prefix < 0 || prefix > ip->BitLength()) return std::nullopt;
  return Cidr{*ip, prefix};
}

}  // namespace

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == IpFamily::kV4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<IpAddress> ParseIpv4(std::string_view text) {
  // inet_pton(AF_INET) accepts exactly four decimal octets (no octal, no shorthand).
  if (text.empty() || text.size() > 15) return std::nullopt;
  IpAddress ip;
  ip.family = IpFamily::kV4;
  std::string s(text);
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  return ip;
}

std::optional<IpAddress> ParseIpv6(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  IpAddress ip;
  ip.family = IpFamily::kV6;
  std::string s(text);
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1) return std::nullopt;
  return ip;
}

std::optional<IpAddress> ParseIp(std::string_view text) {
  if (auto v4 = ParseIpv4(text)) return v4;
  return ParseIpv6(text);
}

std::optional<Cidr> ParseCidrV4(std::string_view text) { return ParseCidrOf(text, ParseIpv4); }
std::optional<Cidr> ParseCidrV6(std::string_view text) { return ParseCidrOf(text, ParseIpv6); }
std::optional<Cidr> ParseCidr(std::string_view text) {
  if (auto v4 = ParseCidrV4(text)) return v4;
  return ParseCidrV6(text);
}

IpAddress Cidr::Network() const { return WithHostBits(address, prefix, false); }
IpAddress Cidr::Broadcast() const { return WithHostBits(address, prefix, true); }

bool Cidr::Contains(const IpAddress& ip) const {
  if (ip.family != address.family) return false;
  return WithHostBits(ip, prefix, false) == Network();
}

bool Cidr::Overlaps(const Cidr& other) const {
  if (family() != other.family()) return false;
  // Two prefixes overlap iff the shorter one contains the other's network.
  const Cidr& wider = prefix <= other.prefix ? *this : other;
  const Cidr& narrower = prefix <= other.prefix ? other : *this;
  return wider.Contains(narrower.Network());
}

std::string Cidr::NetworkString() const {
  return Network().ToString() + "/" + std::to_string(prefix);
}
std::string Cidr::ToString() const { return address.ToString() + "/" + std::to_string(prefix); }

bool IsReservedInSubnet(const Cidr& net, const IpAddress& ip) {
  if (!net.Contains(ip)) return false;
  int host_bits = ip.BitLength() - net.prefix;
  if (host_bits < 2) return false;  // /31, /32, /127, /128: every address is usable
  if (ip == net.Network()) return true;
  return ip.family == IpFamily::kV4 && ip == net.Broadcast();
}

}  // namespace labctl::api
