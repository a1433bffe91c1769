// FilePaths: lexical checks of file paths that untrusted input names — upload file names (Neops
// facade) and the host side of a node's binds (host-access policy). Purely lexical: symbolic
// links are not resolved (callers document what that means for them).
#pragma once

#include <string_view>

namespace labctl::api {

// A relative path that stays inside its base directory: non-empty, no leading '/', no '.', '..'
// or empty component, no backslash, no NUL.
bool IsSafeRelativePath(std::string_view path);
// An absolute path without '.', '..' or empty components ("/srv/labs", "/"; a trailing '/' is
// allowed), so that comparing components says where it points.
bool IsNormalAbsolutePath(std::string_view path);
// True when `path` is `dir` or below it, both normal absolute paths ("/srv/labs/x" is within
// "/srv/labs" and "/"; "/srv/labsx" is not).
bool IsPathWithin(std::string_view path, std::string_view dir);

}  // namespace labctl::api
