#include "cli/util/table.h"

#include <algorithm>

namespace labctl::cli {

namespace {

std::string RenderLine(const std::vector<std::string>& cells, const std::vector<size_t>& widths) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    line += cells[i];
    if (i + 1 < cells.size()) line += std::string(widths[i] - cells[i].size() + 3, ' ');
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

}  // namespace

std::string Table::Render(bool with_headers) const {
  std::vector<size_t> widths(headers_.size(), 0);
  auto widen = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], cells[i].size());
  };
  if (with_headers) widen(headers_);
  for (const auto& r : rows_) widen(r);
  std::string out;
  if (with_headers) out += RenderLine(headers_, widths);
  for (auto r : rows_) {
    r.resize(headers_.size());
    out += RenderLine(r, widths);
  }
  return out;
}

std::string Table::RenderRowLike(const std::vector<std::string>& cells) const {
  std::vector<size_t> widths;
  for (size_t i = 0; i < headers_.size(); ++i)
    widths.push_back(std::max(headers_[i].size(), i < cells.size() ? cells[i].size() : 0));
  auto padded = cells;
  padded.resize(headers_.size());
  return RenderLine(padded, widths);
}

}  // namespace labctl::cli
