// InitialRecord: what one `netlab initial` configured — the Lab's uid and generation and, per
// node, its container start ("<container id>@<started at>") — and which nodes need it again.
//
// A node whose container started anew (drift repair, a restart) lost what initial set inside it,
// and its veth peers lost it on their ends of the re-created links: those nodes are configured
// again with `netlab initial --limit`. Another uid or generation, or another set of nodes, means
// the whole lab. Pure: no I/O.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/object.h"

namespace labctl::reconcilers {

struct InitialRecord {
  std::string uid;
  int64_t generation = 0;
  std::map<std::string, std::string> nodes;  // node -> container id@started at

  api::json ToJson() const;
  static std::optional<InitialRecord> FromJson(const std::string& text);
  bool operator==(const InitialRecord&) const = default;
};

// The nodes `current` needs configured, given what `done` configured: nullopt for every node,
// else those that started anew plus their peers over `links` (pairs of node names). Empty when
// nothing changed.
std::optional<std::set<std::string>> NodesToConfigure(
    const std::optional<InitialRecord>& done, const InitialRecord& current,
    const std::vector<std::pair<std::string, std::string>>& links);

}  // namespace labctl::reconcilers
