#include "store/change_log.h"

#include <algorithm>

namespace labctl::store {

std::vector<const PackedChange*> ChangeLog::After(uint64_t after) const {
  auto first =
      std::upper_bound(log_.begin(), log_.end(), after,
                       [](uint64_t rev, const LoggedChange& c) { return rev < c.change.revision; });
  std::vector<const PackedChange*> out;
  out.reserve(static_cast<size_t>(log_.end() - first));
  for (auto it = first; it != log_.end(); ++it) out.push_back(&it->change);
  return out;
}

std::optional<uint64_t> ChangeLog::CompactionCut(size_t max_count,
                                                 api::TimePoint oldest_kept) const {
  if (log_.size() <= 1) return std::nullopt;
  size_t keep_at_most = std::max<size_t>(max_count, 1);
  size_t remove = log_.size() > keep_at_most ? log_.size() - keep_at_most : 0;
  while (remove + 1 < log_.size() && log_[remove].time < oldest_kept) ++remove;
  if (remove == 0) return std::nullopt;
  return log_[remove - 1].change.revision;
}

void ChangeLog::DropThrough(uint64_t through) {
  while (!log_.empty() && log_.front().change.revision <= through) log_.pop_front();
}

}  // namespace labctl::store
