// ObjectIndexes: the store's secondary indexes. Each index files the objects of one kind under a
// string key computed from the object (IndexSpec::key) and keeps the keys in order, so readers
// can fetch "every Session filed under live/", "the Session whose key hash is H" or "Sessions due
// for collection before T" without scanning the kind. It also remembers each object's key, so a
// change or a delete refiles the object without needing its previous state.
//
// A plain data structure: SqliteStore keeps it under its state lock (written by the writer thread
// together with the objects, so an index read is consistent with Get and List of the same moment).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/store.h"

namespace labctl::store {

class ObjectIndexes {
 public:
  bool Has(Kind kind, const std::string& index) const;
  // Registers an index (the caller files the existing objects with Refile afterwards).
  void Add(const IndexSpec& spec);
  // Files `object` (null: deleted) under the key each index of its kind gives it.
  void Refile(Kind kind, const std::string& name, const json* object);
  // Names filed under keys in [from, to) (to == "": no upper bound), ordered by key, then name.
  std::vector<std::string> Names(Kind kind, const std::string& index, const IndexRange& range,
                                 size_t limit = 0) const;
  size_t Count(Kind kind, const std::string& index, const IndexRange& range) const;
  // The smallest key >= from, if any.
  std::optional<std::string> FirstKey(Kind kind, const std::string& index,
                                      const std::string& from) const;

 private:
  struct Index {
    IndexSpec spec;
    std::map<std::string, std::set<std::string>> by_key;
    std::unordered_map<std::string, std::string> key_of;  // name -> the key it is filed under
  };
  const Index* Find(Kind kind, const std::string& index) const;
  template <class Visit>
  void ForRange(const Index& index, const IndexRange& range, Visit visit) const;

  std::vector<Index> indexes_;
};

}  // namespace labctl::store
