#include "store/ids.h"

#include "api/random.h"

namespace labctl::store {

std::string IdSource::NewUid() { return api::RandomUuid(); }

std::string IdSource::NameSuffix(size_t n) { return api::RandomNameSuffix(n); }

}  // namespace labctl::store
