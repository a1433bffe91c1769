// LinkAddresses: the addresses a node's own `exec` put on its link ends, so that they are put
// back when a restarted peer (or a host end removed out of band) re-creates the link — the
// peer's exec does not run twice. Kept in memory and in the lab's files directory
// (.labctl-link-addresses.json: {"uid": ..., "ends": {"node/ifname": [...]}}), so a labd restart
// still knows them; a record of another uid (a lab re-created under the same name) is ignored.
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "api/ip.h"
#include "api/object.h"
#include "reconcilers/providers/docker/lab_model.h"

namespace labctl::clab {

class LinkAddresses {
 public:
  explicit LinkAddresses(std::string labs_dir) : labs_dir_(std::move(labs_dir)) {}

  // Reads what the interfaces `ends` of `node` (in the namespace of `pid`) hold now.
  void Record(const reconcilers::LabModel& model, const std::string& node, int pid,
              const std::vector<std::string>& ends);
  std::vector<api::Cidr> Recorded(const reconcilers::LabModel& model, const std::string& node,
                                  const std::string& ifname);
  void Forget(const std::string& lab);

 private:
  std::string FilePath(const std::string& lab) const;
  api::json& RecordOf(const reconcilers::LabModel& model);  // under mu_

  std::string labs_dir_;
  std::mutex mu_;
  std::map<std::string, api::json> records_;  // by lab name
};

}  // namespace labctl::clab
