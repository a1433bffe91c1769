#include "cli/util/duration.h"

namespace labctl::cli {

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
