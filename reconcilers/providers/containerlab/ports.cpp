#include "reconcilers/providers/containerlab/ports.h"

#include <optional>

#include "api/ip.h"

namespace labctl::clab {
namespace {

std::optional<int> PortNumber(const std::string& text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const int port = std::stoi(text);
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

}  // namespace

api::Result<docker::PortBinding> ParsePort(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return api::Status::BadRequest("\"" + text + "\": " + why +
                                   " (write [host-ip:][host-port:]container-port[/tcp|udp|sctp])");
  };
  docker::PortBinding p;
  std::string rest = text;
  if (auto slash = rest.rfind('/'); slash != std::string::npos) {
    p.protocol = rest.substr(slash + 1);
    rest.resize(slash);
    if (p.protocol != "tcp" && p.protocol != "udp" && p.protocol != "sctp")
      return bad("protocol must be tcp, udp or sctp");
  }
  if (rest.find('-') != std::string::npos) return bad("port ranges are not supported");
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:host:container
    auto close = rest.find("]:");
    if (close == std::string::npos) return bad("an IPv6 host address needs ']:'");
    p.host_ip = rest.substr(1, close - 1);
    if (!api::ParseIpv6(p.host_ip)) return bad("not an IPv6 address: " + p.host_ip);
    rest = rest.substr(close + 2);
    if (rest.find(':') == std::string::npos) return bad("a host address needs host-port:");
  }
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    auto colon = rest.find(':', start);
    parts.push_back(rest.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (parts.size() > (p.host_ip.empty() ? 3u : 2u)) return bad("too many ':'");
  if (parts.size() == 3) {
    p.host_ip = parts[0];
    if (!api::ParseIpv4(p.host_ip)) return bad("not an IPv4 address: " + p.host_ip);
    parts.erase(parts.begin());
  }
  if (parts.size() == 2) {
    if (!parts[0].empty() && !PortNumber(parts[0])) return bad("host port must be 1-65535");
    p.host_port = parts[0];
  }
  auto container = PortNumber(parts.back());
  if (!container) return bad("container port must be 1-65535");
  p.container_port = *container;
  return p;
}

}  // namespace labctl::clab
