// Query parameters as labd reads them: by name, as booleans, and the parameters of a watch (GET
// <collection>?watch=1&...): resourceVersion, labelSelector, fieldSelector (metadata.name= only),
// timeoutSeconds (at most api::kMaxDurationSeconds) and allowWatchBookmarks. Pure: no HTTP
// types, so it is unit-tested and fuzzed (tests/fuzz) on its own.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "api/status.h"
#include "store/store.h"

namespace labctl::server {

// Decoded query parameters by name (httplib::Params is this type); the first of a name counts.
using QueryParams = std::multimap<std::string, std::string>;

// The value, or "" when absent.
std::string QueryParam(const QueryParams& params, const char* name);
// "1", "true" (any case) are true; absent or anything else false.
bool BoolQueryParam(const QueryParams& params, const char* name);

struct WatchRequest {
  store::WatchOptions store_options;
  std::optional<std::chrono::seconds> timeout;  // nullopt: until the client or labd ends it
  bool bookmarks = false;
};

// BadRequest naming the parameter on a bad value.
api::Result<WatchRequest> ParseWatchParams(const QueryParams& params);

}  // namespace labctl::server
