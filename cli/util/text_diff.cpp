#include "cli/util/text_diff.h"

#include <sstream>
#include <vector>

namespace labctl::cli {

namespace {

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

struct Op {
  char kind;  // ' ', '-', '+'
  std::string line;
};

// Longest-common-subsequence edit script; manifests are small, so O(n*m) is fine.
std::vector<Op> EditScript(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::vector<Op> ops;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      ops.push_back({' ', a[i++]});
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back({'-', a[i++]});  // deletions first, as diff -u prints them
    } else {
      ops.push_back({'+', b[j++]});
    }
  }
  return ops;
}

}  // namespace

std::string UnifiedDiff(const std::string& from_label, const std::string& to_label,
                        const std::string& from, const std::string& to) {
  auto ops = EditScript(Lines(from), Lines(to));
  constexpr size_t kContext = 3;
  std::vector<bool> shown(ops.size(), false);
  bool any = false;
  for (size_t k = 0; k < ops.size(); ++k) {
    if (ops[k].kind == ' ') continue;
    any = true;
    size_t lo = k >= kContext ? k - kContext : 0;
    for (size_t x = lo; x < ops.size() && x <= k + kContext; ++x) shown[x] = true;
  }
  if (!any) return "";
  std::string out = "--- " + from_label + "\n+++ " + to_label + "\n";
  for (size_t k = 0; k < ops.size(); ++k) {
    if (!shown[k]) continue;
    if (k == 0 || !shown[k - 1]) out += "@@\n";
    out += ops[k].kind + ops[k].line + "\n";
  }
  return out;
}

}  // namespace labctl::cli
