#include "api/file_paths.h"

namespace labctl::api {
namespace {

// Calls `visit` with each '/'-separated component of `path` (empty ones included); stops and
// returns false as soon as `visit` does.
template <class Visit>
bool ForEachComponent(std::string_view path, Visit visit) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (!visit(path.substr(start, end - start))) return false;
    start = end + 1;
  }
  return true;
}

bool IsPlainComponent(std::string_view part) {
  return !part.empty() && part != "." && part != "..";
}

std::string_view WithoutTrailingSlash(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace

bool IsSafeRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  if (path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos)
    return false;
  return ForEachComponent(path, IsPlainComponent);
}

bool IsNormalAbsolutePath(std::string_view path) {
  if (path.empty() || path.front() != '/' || path.find('\0') != std::string_view::npos)
    return false;
  path = WithoutTrailingSlash(path);
  if (path == "/") return true;
  return ForEachComponent(path.substr(1), IsPlainComponent);
}

bool IsPathWithin(std::string_view path, std::string_view dir) {
  if (!IsNormalAbsolutePath(path) || !IsNormalAbsolutePath(dir)) return false;
  path = WithoutTrailingSlash(path);
  dir = WithoutTrailingSlash(dir);
  if (dir == "/") return true;
  if (!path.starts_with(dir)) return false;
  return path.size() == dir.size() || path[dir.size()] == '/';
}

}  // namespace labctl::api
