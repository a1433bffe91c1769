#include "cli/util/duration.h"

#include <cctype>
#include <charconv>

#include "api/input_limits.h"

namespace labctl::cli {

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
    // The whole run must be one number: "." or "1.2.3" is no duration (std::stod threw on the
    // first and read the second as 1.2).
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

std::string HumanDuration(std::chrono::milliseconds d) {
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  auto fmt = [](int64_t a, const char* ua, int64_t b, const char* ub) {
    std::string s = std::to_string(a) + ua;
    if (b != 0) s += std::to_string(b) + ub;
    return s;
  };
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return std::to_string(seconds) + "s";
  int64_t minutes = seconds / 60;
  if (minutes < 10) return fmt(minutes, "m", seconds % 60, "s");
  if (minutes < 180) return std::to_string(minutes) + "m";
  int64_t hours = minutes / 60;
  if (hours < 8) return fmt(hours, "h", minutes % 60, "m");
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 8) return fmt(hours / 24, "d", hours % 24, "h");
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24) + "d";
  if (hours < 24 * 365 * 8) return fmt(hours / 24 / 365, "y", (hours / 24) % 365, "d");
  return std::to_string(hours / 24 / 365) + "y";
}

std::string Age(const std::string& timestamp, api::TimePoint now) {
  api::TimePoint t;
  if (timestamp.empty() || !api::ParseTime(timestamp, &t)) return "<unknown>";
  // In milliseconds before subtracting: nanosecond time points more than 292 years apart
  // (ParseTime takes 1678-2261) overflow when subtracted.
  using std::chrono::milliseconds;
  return HumanDuration(std::chrono::duration_cast<milliseconds>(now.time_since_epoch()) -
                       std::chrono::duration_cast<milliseconds>(t.time_since_epoch()));
}

}  // namespace labctl::cli
