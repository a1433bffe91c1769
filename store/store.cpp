// The Store interface's default index methods: a scan of the kind per call, for stores that do
// not keep indexes (test doubles); SqliteStore overrides all of them.
#include "store/store.h"

#include <algorithm>

namespace labctl::store {

void Store::AddIndex(IndexSpec spec) {
  std::lock_guard<std::mutex> lock(default_index_mu_);
  for (const auto& s : default_indexes_)
    if (s.kind == spec.kind && s.name == spec.name) return;
  default_indexes_.push_back(std::move(spec));
}

std::vector<std::pair<std::string, std::shared_ptr<const json>>> Store::ScanIndex(
    Kind kind, const std::string& index, const IndexRange& range) const {
  std::function<std::optional<std::string>(const json&)> key_of;
  {
    std::lock_guard<std::mutex> lock(default_index_mu_);
    for (const auto& s : default_indexes_)
      if (s.kind == kind && s.name == index) key_of = s.key;
  }
  std::vector<std::pair<std::string, std::shared_ptr<const json>>> filed;
  if (!key_of) return filed;
  for (auto& object : ListShared(kind).items) {
    auto key = key_of(*object);
    if (!key || *key < range.from || (!range.to.empty() && *key >= range.to)) continue;
    filed.emplace_back(*key, object);
  }
  std::stable_sort(filed.begin(), filed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return filed;
}

SharedList Store::ListIndexed(Kind kind, const std::string& index, const IndexRange& range) const {
  SharedList out;
  out.revision = Revision();
  for (auto& [key, object] : ScanIndex(kind, index, range)) out.items.push_back(object);
  return out;
}

size_t Store::CountIndexed(Kind kind, const std::string& index, const IndexRange& range) const {
  return ScanIndex(kind, index, range).size();
}

std::vector<std::string> Store::IndexedNames(Kind kind, const std::string& index,
                                             const IndexRange& range) const {
  std::vector<std::string> names;
  for (auto& [key, object] : ScanIndex(kind, index, range)) names.push_back(api::Name(*object));
  return names;
}

std::optional<std::string> Store::FirstIndexKey(Kind kind, const std::string& index,
                                                const std::string& from) const {
  auto filed = ScanIndex(kind, index, IndexRange{from, ""});
  if (filed.empty()) return std::nullopt;
  return filed.front().first;
}

}  // namespace labctl::store
