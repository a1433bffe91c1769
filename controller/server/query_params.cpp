#include "controller/server/query_params.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "api/input_limits.h"

namespace labctl::server {
namespace {

using api::Status;

api::Result<uint64_t> ParseUint(const std::string& name, const std::string& text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Status::BadRequest(name + " must be a non-negative integer, got \"" + text + "\"");
  }
  return value;
}

// Only metadata.name=X (or ==X) is supported, as kubectl's --field-selector uses it.
api::Result<std::string> ParseFieldSelector(const std::string& text) {
  if (text.empty()) return std::string();
  for (const char* prefix : {"metadata.name==", "metadata.name="}) {
    std::string_view p(prefix);
    if (text.starts_with(p) && text.find(',') == std::string::npos) return text.substr(p.size());
  }
  return Status::BadRequest("fieldSelector supports only metadata.name=NAME, got \"" + text + "\"");
}

}  // namespace

std::string QueryParam(const QueryParams& params, const char* name) {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

bool BoolQueryParam(const QueryParams& params, const char* name) {
  std::string v = QueryParam(params, name);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v == "1" || v == "true";
}

api::Result<WatchRequest> ParseWatchParams(const QueryParams& params) {
  WatchRequest w;
  std::string rv = QueryParam(params, "resourceVersion");
  if (!rv.empty() && rv != "0") {
    auto revision = ParseUint("resourceVersion", rv);
    LABCTL_RETURN_IF_ERROR(revision);
    w.store_options.from_revision = *revision;
  }
  auto selector = api::ParseSelector(QueryParam(params, "labelSelector"));
  LABCTL_RETURN_IF_ERROR(selector);
  w.store_options.selector = std::move(*selector);
  auto name = ParseFieldSelector(QueryParam(params, "fieldSelector"));
  LABCTL_RETURN_IF_ERROR(name);
  w.store_options.name = std::move(*name);
  std::string timeout = QueryParam(params, "timeoutSeconds");
  if (!timeout.empty()) {
    auto seconds = ParseUint("timeoutSeconds", timeout);
    LABCTL_RETURN_IF_ERROR(seconds);
    // Larger values would overflow the deadline (now + timeout) and end the watch at once.
    if (*seconds > static_cast<uint64_t>(api::kMaxDurationSeconds))
      return Status::BadRequest("timeoutSeconds must be at most " +
                                std::to_string(api::kMaxDurationSeconds) + ", got " + timeout);
    if (*seconds > 0) w.timeout = std::chrono::seconds(*seconds);
  }
  w.bookmarks = BoolQueryParam(params, "allowWatchBookmarks");
  return w;
}

}  // namespace labctl::server
