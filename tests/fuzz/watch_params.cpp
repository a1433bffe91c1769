// The query parameters of a watch (controller/server/query_params: resourceVersion,
// labelSelector, fieldSelector, timeoutSeconds, allowWatchBookmarks). Input: a query string
// "k=v&k=v" (already percent-decoded, as cpp-httplib hands it over). An accepted timeout must be
// addable to a clock without overflow.
#include <algorithm>

#include "api/input_limits.h"
#include "controller/server/query_params.h"
#include "fuzz_input.h"

using namespace labctl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view query = fuzz::Text(data, size);
  server::QueryParams params;
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    size_t eq = pair.find('=');
    params.emplace(std::string(pair.substr(0, eq)),
                   eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1)));
  }
  auto w = server::ParseWatchParams(params);
  if (!w.ok()) return 0;
  if (w->timeout && (w->timeout->count() <= 0 || w->timeout->count() > api::kMaxDurationSeconds))
    fuzz::Fail("timeout out of range");
  (void)(std::chrono::steady_clock::now() + w->timeout.value_or(std::chrono::seconds(0)));
  (void)w->store_options.selector.ToString();
  return 0;
}
