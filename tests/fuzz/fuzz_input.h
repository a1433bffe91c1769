// Shared by the fuzz targets: the input as text, split into parts. A target that needs several
// inputs (a template and a document, a topology and extra files) reads them as parts separated by
// a line "--" ("a\n--\nb"), so seeds stay readable text files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace labctl::fuzz {

inline std::string_view Text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// At most `max_parts` parts: the last one keeps any later separators.
inline std::vector<std::string> SplitParts(std::string_view text, size_t max_parts) {
  static constexpr std::string_view kSeparator = "\n--\n";
  std::vector<std::string> parts;
  while (parts.size() + 1 < max_parts) {
    size_t at = text.find(kSeparator);
    if (at == std::string_view::npos) break;
    parts.emplace_back(text.substr(0, at));
    text.remove_prefix(at + kSeparator.size());
  }
  parts.emplace_back(text);
  return parts;
}

// A finding that is no crash by itself (a broken round trip): abort so libFuzzer keeps the input.
[[noreturn]] void Fail(const std::string& what);

}  // namespace labctl::fuzz
