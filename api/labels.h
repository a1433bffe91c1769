// Label syntax, as Kubernetes defines it: shared by selectors (-l, ?labelSelector=) and by
// validation of metadata.labels, so both accept exactly the same keys and values.
#pragma once

#include <string_view>

namespace labctl::api {

// [prefix/]name: prefix a DNS-1123 subdomain (<= 253), name 1-63 chars of [A-Za-z0-9-_.]
// beginning and ending alphanumeric.
bool IsLabelKey(std::string_view key);
// Empty, or 1-63 chars of [A-Za-z0-9-_.] beginning and ending alphanumeric.
bool IsLabelValue(std::string_view value);
// DNS-1123 subdomain: dot-separated DNS-1123 labels, <= 253 chars.
bool IsDnsSubdomain(std::string_view s);

}  // namespace labctl::api
