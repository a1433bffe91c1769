// Durations as labctl and labd flags take them (api/duration, the one grammar both command
// lines use: --timeout=1h30m, 500ms, 90), and ages of timestamps as kubectl prints them
// (cli/util/duration).
#include "api/duration.h"

#include "api/input_limits.h"
#include "cli/util/duration.h"
#include "fuzz_input.h"

using namespace labctl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::Text(data, size);
  auto d = api::ParseDuration(text);
  if (d.ok()) {
    if (d->count() < 0) fuzz::Fail("negative duration from " + std::string(text));
    (void)cli::HumanDuration(*d);
  }
  api::TimePoint now = api::TimePoint() + std::chrono::hours(24 * 365 * 56);
  (void)cli::Age(std::string(text), now);
  return 0;
}
