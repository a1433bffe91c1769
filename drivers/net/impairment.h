// Link impairment: delay, jitter, loss and rate on one interface of a node, set from the host
// with tc inside the node's namespace (argv, no shell). Re-applying replaces the root qdisc in
// place, so a live `labctl apply` changes it without restarting anything. Clearing (the common
// case: every interface of every node at every start) deletes the root qdisc over rtnetlink and
// spawns no process.
//
// With sch_netem in the kernel (most hosts) one netem qdisc carries everything. Without it (this
// CI machine) rate is shaped with tbf and delay/jitter/loss go through labd's NFQUEUE path
// (delay_queue.h). The mechanism string names what is in use; the LabReconciler puts it in
// status.links.
#pragma once

#include <string>

#include "api/status.h"

namespace labctl::net {

struct Impairment {
  double delay_ms = 0;
  double jitter_ms = 0;
  double loss_percent = 0;
  long rate_kbit = 0;
  bool empty() const {
    return delay_ms <= 0 && jitter_ms <= 0 && loss_percent <= 0 && rate_kbit <= 0;
  }
};

// Applies (or, when empty, clears) the impairment and returns the mechanism in use: "netem",
// "nfqueue", "nfqueue+tbf", "tbf" or "none".
api::Result<std::string> ApplyImpairment(int pid, const std::string& ifname,
                                         const Impairment& impairment);

}  // namespace labctl::net
