#include "store/change_log.h"

#include <algorithm>

namespace labctl::store {
namespace {

size_t BytesOf(const LoggedChange& c) {
  size_t bytes = sizeof(LoggedChange) + sizeof(size_t);
  if (c.change.object) bytes += c.change.object->bytes();
  if (c.change.previous) bytes += c.change.previous->bytes();
  return bytes;
}

}  // namespace

void ChangeLog::Append(LoggedChange c) {
  size_t bytes = BytesOf(c);
  bytes_ += bytes;
  log_.push_back({std::move(c), bytes});
}

std::vector<const PackedChange*> ChangeLog::After(uint64_t after) const {
  auto first = std::upper_bound(log_.begin(), log_.end(), after, [](uint64_t rev, const Entry& e) {
    return rev < e.logged.change.revision;
  });
  std::vector<const PackedChange*> out;
  out.reserve(static_cast<size_t>(log_.end() - first));
  for (auto it = first; it != log_.end(); ++it) out.push_back(&it->logged.change);
  return out;
}

std::optional<uint64_t> ChangeLog::CompactionCut(const HistoryLimits& limits) const {
  if (log_.size() <= 1) return std::nullopt;
  size_t keep_at_most = std::max<size_t>(limits.max_count, 1);
  size_t remove = log_.size() > keep_at_most ? log_.size() - keep_at_most : 0;
  size_t kept_bytes = bytes_;
  for (size_t i = 0; i < remove; ++i) kept_bytes -= log_[i].bytes;
  while (remove + 1 < log_.size() &&
         (kept_bytes > limits.max_bytes || log_[remove].logged.time < limits.oldest_kept)) {
    kept_bytes -= log_[remove].bytes;
    ++remove;
  }
  if (remove == 0) return std::nullopt;
  return log_[remove - 1].logged.change.revision;
}

void ChangeLog::DropThrough(uint64_t through) {
  while (!log_.empty() && log_.front().logged.change.revision <= through) {
    bytes_ -= log_.front().bytes;
    log_.pop_front();
  }
}

}  // namespace labctl::store
