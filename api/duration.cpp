#include "api/duration.h"

#include <cctype>
#include <charconv>
#include <string>

#include "api/input_limits.h"

namespace labctl::api {

namespace {

api::Status BadDuration(std::string_view text) {
  return api::Status::BadRequest("invalid duration \"" + std::string(text) +
                                 "\" (use e.g. 30s, 5m, 1h30m)");
}

// Milliseconds per unit, or 0 for an unknown unit.
int64_t UnitMillis(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60'000;
  if (unit == "h") return 3'600'000;
  if (unit == "d") return 86'400'000;
  return 0;
}

}  // namespace

api::Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  if (text.empty()) return BadDuration(text);
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  if (all_digits) {
    if (text.size() > 12) return BadDuration(text);
    return std::chrono::milliseconds(std::stoll(std::string(text)) * 1000);
  }
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      ++i;
    if (i == start || i - start > 12) return BadDuration(text);
    // from_chars, not stod: "." or "1.2.3" is an error here, never an exception or a prefix.
    double number = 0;
    auto [end, ec] = std::from_chars(text.data() + start, text.data() + i, number);
    if (ec != std::errc() || end != text.data() + i) return BadDuration(text);
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    int64_t unit = UnitMillis(text.substr(unit_start, i - unit_start));
    if (unit == 0) return BadDuration(text);
    total += number * static_cast<double>(unit);
    // Also keeps the conversion to int64 below defined.
    if (total > static_cast<double>(api::kMaxDurationSeconds) * 1000) return BadDuration(text);
  }
  return std::chrono::milliseconds(static_cast<int64_t>(total));
}

}  // namespace labctl::api
