// Line diffs for `labctl diff`: unified-style hunks ("-" live, "+" file, " " context) with
// three lines of context; empty when both texts are equal.
#pragma once

#include <string>

namespace labctl::cli {

std::string UnifiedDiff(const std::string& from_label, const std::string& to_label,
                        const std::string& from, const std::string& to);

}  // namespace labctl::cli
