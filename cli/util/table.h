// Plain-text tables as kubectl prints them: upper-case headers, left-aligned columns separated by
// three spaces, no trailing padding on the last column.
#pragma once

#include <string>
#include <vector>

namespace labctl::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  size_t size() const { return rows_.size(); }
  // Renders headers (unless `with_headers` is false) and rows, each line ending in '\n'.
  std::string Render(bool with_headers = true) const;
  // Renders one row with the column widths of the header only (for streamed watch rows).
  std::string RenderRowLike(const std::vector<std::string>& cells) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace labctl::cli
