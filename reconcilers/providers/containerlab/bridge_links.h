// Veths between two kind bridge nodes: both ends in the host namespace, named as written, each a
// port of its own bridge, tagged as the lab's link (net::LinkTag) so that only labd's are ever
// removed. Idempotent: a pair found whole is kept, half of one (or none) is made anew.
#pragma once

#include <string>
#include <vector>

#include "api/status.h"
#include "drivers/net/lab_network_plan.h"

namespace labctl::clab {

// node_a/node_b of each link are the bridges (which must exist).
api::Status EnsureBridgeLinks(const std::string& lab, const std::vector<net::LinkPlan>& links);
api::Status RemoveBridgeLinks(const std::string& lab, const std::vector<net::LinkPlan>& links);

}  // namespace labctl::clab
