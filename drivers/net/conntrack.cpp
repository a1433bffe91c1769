#include "drivers/net/conntrack.h"

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <sys/socket.h>

#include "drivers/net/netlink_socket.h"

namespace labctl::net {

api::Status FlushConntrack() {
  auto socket = NetlinkSocket::Open(NETLINK_NETFILTER);
  if (!socket.ok()) return socket.status();
  NetlinkMessage m((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE, 0);
  nfgenmsg gen{};
  gen.nfgen_family = AF_UNSPEC;  // every family
  gen.version = NFNETLINK_V0;
  m.PutHeader(gen);
  int rc = socket->Request(m);
  // ENOENT: the table is empty (or conntrack never loaded in this namespace).
  if (rc == 0 || rc == -ENOENT) return api::Status::Ok();
  return api::Status::Internal("flush conntrack: " + ErrnoText(rc));
}

api::Status FlushConntrack(const Netns& ns) {
  return ns.Run([] { return FlushConntrack(); });
}

}  // namespace labctl::net
