// A lab's `mgmt.external-access` (drivers/net/mgmt_external_access.h: containerlab's
// DOCKER-USER rules for the management bridge), and its record: the bridge the rules were
// written for is kept in the lab's files directory before they are written, because Docker's
// br-<network id> is gone by teardown and a labd that crashed must find its rules again.
#pragma once

#include <string>

#include "api/status.h"

namespace labctl::clab {

// wanted: the rules of `bridge` exist (those of a bridge recorded earlier are removed);
// not wanted: the recorded ones are removed. `lab` names the lab in logs.
api::Status ApplyExternalAccess(const std::string& files_dir, const std::string& lab, bool wanted,
                                const std::string& bridge);
// Removes the recorded rules and the record.
api::Status RemoveExternalAccess(const std::string& files_dir);

}  // namespace labctl::clab
