// Join: the strings of a range (vector, set, ...) with a separator between them, for messages
// and command lines ("a, b, c"). An empty string adds no separator before the next part.
#pragma once

#include <string>
#include <string_view>

namespace labctl::api {

template <typename Range>
std::string Join(const Range& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

}  // namespace labctl::api
