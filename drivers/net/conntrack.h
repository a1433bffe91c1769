// FlushConntrack: empties the connection-tracking table of the calling thread's namespace.
//
// NAT mappings live in conntrack entries, which outlive rule changes: after a NAT type changes or
// a lab is reset, old entries would keep the old behaviour. Uses ctnetlink directly
// (IPCTNL_MSG_CT_DELETE with no tuple = flush), so the conntrack tool is not needed.
#pragma once

#include "api/status.h"
#include "drivers/net/netns.h"

namespace labctl::net {

api::Status FlushConntrack();                 // calling thread's namespace
api::Status FlushConntrack(const Netns& ns);  // another namespace

}  // namespace labctl::net
