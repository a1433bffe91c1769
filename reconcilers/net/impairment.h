// Link impairment: delay, jitter, loss and rate on one interface of a node, set from the host
// with tc inside the node's namespace (argv, no shell). Re-applying replaces the root qdisc in
// place, so a live `labctl apply` changes it without restarting anything.
//
// With sch_netem in the kernel (most hosts) one netem qdisc carries everything. Without it (this
// CI machine) rate is shaped with tbf and delay/jitter/loss are reported as unsupported in the
// mechanism string, which the LabReconciler puts in status.
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

// Applies (or, when empty, clears) the impairment and returns the mechanism in use, e.g.
// "netem", "tbf", "tbf; delay/jitter/loss unsupported here: no sch_netem", "none".
api::Result<std::string> ApplyImpairment(int pid, const std::string& ifname,
                                         const Impairment& impairment);

}  // namespace labctl::net
