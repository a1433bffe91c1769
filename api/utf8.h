// UTF-8 validation. Every string labd stores or answers with is JSON, and JSON text must be valid
// UTF-8 (nlohmann's serializer throws otherwise), so untrusted bytes are checked where they
// enter: body strings (api/yaml.h), query parameters, uploaded file names and contents.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/status.h"

namespace labctl::api {

// The byte offset of the first byte that does not belong to well-formed UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF are ill-formed), or nullopt if all of `s` is valid.
std::optional<size_t> FirstInvalidUtf8(std::string_view s);
inline bool IsValidUtf8(std::string_view s) { return !FirstInvalidUtf8(s); }
// BadRequest "<what>: invalid UTF-8 at line L, column C" (C counts bytes) unless `s` is valid.
Status CheckUtf8(std::string_view s, const std::string& what);
// `s` with every ill-formed byte replaced by U+FFFD: for messages that quote client input.
std::string ValidUtf8(std::string_view s);

}  // namespace labctl::api
