// Ids: random identifiers the store assigns — object uids (UUID v4) and generateName suffixes.
// Not thread-safe: each owner (the writer thread) keeps its own IdSource.
#pragma once

#include <random>
#include <string>

namespace labctl::store {

class IdSource {
 public:
  IdSource();
  // "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", y in [89ab].
  std::string NewUid();
  // `n` random characters from [a-z0-9], as Kubernetes appends to generateName.
  std::string NameSuffix(size_t n = 5);

 private:
  std::mt19937_64 rng_;
};

}  // namespace labctl::store
