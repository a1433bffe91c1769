// Ids: random identifiers the store assigns — object uids (UUID v4) and generateName suffixes —
// drawn from the kernel's CSPRNG (api/random.h), so no uid can be predicted from earlier ones.
// Thread-safe (stateless).
#pragma once

#include <string>

namespace labctl::store {

class IdSource {
 public:
  // "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", y in [89ab].
  std::string NewUid();
  // `n` random characters from [a-z0-9], as Kubernetes appends to generateName.
  std::string NameSuffix(size_t n = 5);
};

}  // namespace labctl::store
