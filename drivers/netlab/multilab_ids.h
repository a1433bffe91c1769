// MultilabIds: the netlab multilab ids of the labs labd runs, allocated host-wide.
//
// A multilab id N gives a netlab lab its own names and management subnet (lab ml-N, containers
// clab-ml-N-<node>, Docker network nl_mgmt_N, 192.168.N.0/24), so any number of netlab labs run
// side by side. Those are host-wide names, so ids are claimed in a host-wide directory that every
// labd of the host shares (whatever its data directory): one file "<id>" per claim holding the
// lab directory that owns it, changed only under a flock(2) on "<dir>/.lock". A lab keeps its id
// for as long as its claim exists (stable across labd restarts); Release frees it. A claim whose
// lab directory is gone (a labd's data directory removed) is stale and is taken over.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "api/status.h"

namespace labctl::netlab {

// The ids labd hands out: 101..200 (192.168.101-200.0/24, away from home networks' low numbers),
// except 121, whose subnet is plain netlab's default management subnet (192.168.121.0/24).
struct MultilabRange {
  int first = 101;
  int last = 200;
  std::set<int> skip = {121};
};

// Pure: `current` when it is in range and not taken, else the lowest free id; nullopt if none.
std::optional<int> PickMultilabId(const std::set<int>& taken, std::optional<int> current,
                                  const MultilabRange& range = {});

class MultilabIds {
 public:
  explicit MultilabIds(std::string dir, MultilabRange range = {});

  // The id claimed for `lab_dir` (an existing directory; compared canonically), claiming one
  // when it has none. `in_use` says an id is busy on the host for reasons the claims do not
  // show (e.g. a Docker network of that name made by someone else): such ids are skipped for
  // a new claim. ResourceExhausted when every id is taken.
  api::Result<int> Claim(const std::string& lab_dir, const std::function<bool(int)>& in_use = {});
  // The id claimed for `lab_dir`, if any.
  std::optional<int> Find(const std::string& lab_dir) const;
  // Frees the id of `lab_dir` (none is fine).
  api::Status Release(const std::string& lab_dir);

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  MultilabRange range_;
};

}  // namespace labctl::netlab
