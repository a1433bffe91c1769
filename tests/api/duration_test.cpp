// The one duration grammar of labctl's and labd's flags.
#include "api/duration.h"

#include <gtest/gtest.h>

namespace labctl::api {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Duration, ParsesUnitsAndBareSeconds) {
  EXPECT_EQ(*ParseDuration("90s"), seconds(90));
  EXPECT_EQ(*ParseDuration("5m"), seconds(300));
  EXPECT_EQ(*ParseDuration("1h"), seconds(3600));
  EXPECT_EQ(*ParseDuration("1h30m"), seconds(5400));  // labd used to reject this one
  EXPECT_EQ(*ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(*ParseDuration("1.5s"), milliseconds(1500));
  EXPECT_EQ(*ParseDuration("2d"), std::chrono::hours(48));
  EXPECT_EQ(*ParseDuration("30"), seconds(30));
  EXPECT_EQ(*ParseDuration("0s"), seconds(0));
}

TEST(Duration, RejectsGarbage) {
  for (const char* bad : {"", "s", "10x", "-5s", "abc", "5 m", "1h-5m"})
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
}

// A number that is only dots or has two of them is an error value, not an exception (stod threw
// and took labctl down).
TEST(Duration, MalformedNumbersAreErrorsNotCrashes) {
  for (const char* bad : {".s", "..5m", "1.2.3s", ".", "1..s", ".\xce]1.", ".."})
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
}

// Found by tests/fuzz/duration: a sum past int64 milliseconds was undefined; durations are capped
// at the API's longest (api/input_limits.h, ten years).
TEST(Duration, HugeSumsAreErrors) {
  for (const char* bad : {"999999999999d", "99999999999d1d"})
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  EXPECT_EQ(*ParseDuration("3650d"), std::chrono::hours(24 * 3650));
}

}  // namespace
}  // namespace labctl::api
