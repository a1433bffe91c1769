#include "store/object_index.h"

namespace labctl::store {

bool ObjectIndexes::Has(Kind kind, const std::string& index) const {
  return Find(kind, index) != nullptr;
}

void ObjectIndexes::Add(const IndexSpec& spec) {
  if (Has(spec.kind, spec.name)) return;
  indexes_.push_back(Index{spec, {}, {}});
}

void ObjectIndexes::Refile(Kind kind, const std::string& name, const json* object) {
  for (Index& index : indexes_) {
    if (index.spec.kind != kind) continue;
    std::optional<std::string> key;
    if (object) key = index.spec.key(*object);
    auto old = index.key_of.find(name);
    if (old != index.key_of.end()) {
      if (key && *key == old->second) continue;
      auto filed = index.by_key.find(old->second);
      if (filed != index.by_key.end()) {
        filed->second.erase(name);
        if (filed->second.empty()) index.by_key.erase(filed);
      }
      index.key_of.erase(old);
    }
    if (!key) continue;
    index.by_key[*key].insert(name);
    index.key_of.emplace(name, std::move(*key));
  }
}

const ObjectIndexes::Index* ObjectIndexes::Find(Kind kind, const std::string& index) const {
  for (const Index& i : indexes_)
    if (i.spec.kind == kind && i.spec.name == index) return &i;
  return nullptr;
}

template <class Visit>
void ObjectIndexes::ForRange(const Index& index, const IndexRange& range, Visit visit) const {
  auto end = range.to.empty() ? index.by_key.end() : index.by_key.lower_bound(range.to);
  for (auto it = index.by_key.lower_bound(range.from); it != end; ++it)
    if (!visit(it->second)) return;
}

std::vector<std::string> ObjectIndexes::Names(Kind kind, const std::string& index,
                                              const IndexRange& range, size_t limit) const {
  std::vector<std::string> names;
  const Index* i = Find(kind, index);
  if (!i) return names;
  ForRange(*i, range, [&](const std::set<std::string>& filed) {
    for (const auto& name : filed) {
      if (limit && names.size() >= limit) return false;
      names.push_back(name);
    }
    return true;
  });
  return names;
}

size_t ObjectIndexes::Count(Kind kind, const std::string& index, const IndexRange& range) const {
  size_t n = 0;
  const Index* i = Find(kind, index);
  if (!i) return 0;
  ForRange(*i, range, [&](const std::set<std::string>& filed) {
    n += filed.size();
    return true;
  });
  return n;
}

std::optional<std::string> ObjectIndexes::FirstKey(Kind kind, const std::string& index,
                                                   const std::string& from) const {
  const Index* i = Find(kind, index);
  if (!i) return std::nullopt;
  auto it = i->by_key.lower_bound(from);
  if (it == i->by_key.end()) return std::nullopt;
  return it->first;
}

}  // namespace labctl::store
