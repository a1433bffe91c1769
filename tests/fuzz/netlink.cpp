// The kernel's netlink answers (drivers/net: netlink_socket's reply walk on libmnl,
// rtnetlink_messages' link, address and route parsers) from one received buffer, as Rtnl's dumps
// and acked requests read them. The input is the buffer; its messages use sequence number 1.
#include <linux/rtnetlink.h>

#include <cstring>
#include <memory>

#include "drivers/net/netlink_socket.h"
#include "drivers/net/rtnetlink_messages.h"
#include "fuzz_input.h"

using namespace labctl;

namespace {

void Use(const api::Cidr& c) { (void)c.ToString(), (void)c.NetworkString(); }

void OnMessage(const nlmsghdr* h) {
  (void)net::ParseLinkMessage(h);
  if (auto address = net::ParseAddressMessage(h)) Use(address->cidr);
  for (auto family : {api::IpFamily::kV4, api::IpFamily::kV6}) {
    if (auto route = net::ParseRouteMessage(h, family)) {
      Use(route->destination);
      if (route->gateway) (void)route->gateway->ToString();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // recv() fills an aligned buffer; so does this copy, of exactly `size` bytes (for ASan).
  std::unique_ptr<uint8_t[]> copy(new uint8_t[size]);
  uint8_t* buf = copy.get();
  if (size) std::memcpy(buf, data, size);
  (void)net::ReadReplies(buf, size, 1, 0, nullptr);  // an acked request
  const net::OnReply on_message = OnMessage;
  (void)net::ReadReplies(buf, size, 1, 0, &on_message);  // a dump
  return 0;
}
