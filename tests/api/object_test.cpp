#include "api/object.h"

#include <gtest/gtest.h>

namespace labctl::api {
namespace {

using std::chrono::seconds;

TEST(Clock, FormatAndParseRoundTrip) {
  TimePoint t{seconds(1'700'000'000)};
  EXPECT_EQ(FormatTime(t), "2023-11-14T22:13:20Z");
  TimePoint back;
  ASSERT_TRUE(ParseTime("2023-11-14T22:13:20Z", &back));
  EXPECT_EQ(back, t);
  ASSERT_TRUE(ParseTime("2023-11-14T22:13:20.123456Z", &back));
  EXPECT_EQ(back, t);
  for (const char* bad : {"", "2023-11-14", "2023-11-14T22:13:20", "2023-13-14T22:13:20Z",
                          "2023-11-14T22:13:20+01:00", "2023-11-14T22:13:20.Z", "garbage"})
    EXPECT_FALSE(ParseTime(bad, &back)) << bad;
}

// Found by tests/fuzz/duration: a year past 2261 overflowed the nanosecond TimePoint (UB).
TEST(Clock, ParseTimeRefusesYearsATimePointCannotHold) {
  TimePoint back;
  EXPECT_FALSE(ParseTime("4052-11-25T18:09:55.123Z", &back));
  EXPECT_FALSE(ParseTime("1200-01-01T00:00:00Z", &back));
  EXPECT_TRUE(ParseTime("2261-12-31T23:59:59Z", &back));
}

TEST(Kinds, NamesAndParsing) {
  EXPECT_STREQ(KindName(Kind::kLab), "Lab");
  EXPECT_STREQ(Plural(Kind::kSession), "sessions");
  EXPECT_EQ(ParseKind("labs"), Kind::kLab);
  EXPECT_EQ(ParseKind("Lab"), Kind::kLab);
  EXPECT_EQ(ParseKind("sess"), Kind::kSession);
  EXPECT_EQ(ParseKind("ev"), Kind::kEvent);
  EXPECT_EQ(ParseKind("events"), Kind::kEvent);
  EXPECT_FALSE(ParseKind("pods"));
}

TEST(Metadata, Accessors) {
  Object o = {{"metadata",
               {{"name", "natlab"},
                {"uid", "u1"},
                {"resourceVersion", "42"},
                {"generation", 3},
                {"labels", {{"a", "b"}}},
                {"finalizers", {"labctl.dev/teardown"}}}}};
  EXPECT_EQ(Name(o), "natlab");
  EXPECT_EQ(Uid(o), "u1");
  EXPECT_EQ(ResourceVersion(o), "42");
  EXPECT_EQ(Generation(o), 3);
  EXPECT_EQ(Labels(o), (json{{"a", "b"}}));
  EXPECT_TRUE(HasFinalizer(o, kTeardownFinalizer));
  EXPECT_FALSE(IsBeingDeleted(o));
  o["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  EXPECT_TRUE(IsBeingDeleted(o));
  Object empty = json::object();
  EXPECT_EQ(Name(empty), "");
  EXPECT_EQ(Generation(empty), 0);
  EXPECT_TRUE(Labels(empty).is_object());
  EXPECT_FALSE(HasFinalizer(empty, "x"));
}

TEST(Conditions, SetAddsAndFinds) {
  json status;
  TimePoint t0{seconds(1'700'000'000)};
  EXPECT_TRUE(SetCondition(status, {"Ready", "False", "Provisioning", "2/3 nodes", 1}, t0));
  Object o = {{"status", status}};
  const json* c = FindCondition(o, "Ready");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["reason"], "Provisioning");
  EXPECT_EQ((*c)["observedGeneration"], 1);
  EXPECT_EQ((*c)["lastTransitionTime"], FormatTime(t0));
  EXPECT_FALSE(IsConditionTrue(o, "Ready"));
  EXPECT_EQ(FindCondition(o, "Provisioned"), nullptr);
}

TEST(Conditions, TransitionTimeMovesOnlyWhenStatusChanges) {
  json status;
  TimePoint t0{seconds(1'700'000'000)}, t1 = t0 + seconds(10), t2 = t0 + seconds(20);
  SetCondition(status, {"Ready", "False", "Provisioning", "1/3", 1}, t0);
  // Same status, new message: updated, but the transition time stays.
  EXPECT_TRUE(SetCondition(status, {"Ready", "False", "Provisioning", "2/3", 1}, t1));
  EXPECT_EQ(status["conditions"][0]["message"], "2/3");
  EXPECT_EQ(status["conditions"][0]["lastTransitionTime"], FormatTime(t0));
  // Identical: nothing changes.
  EXPECT_FALSE(SetCondition(status, {"Ready", "False", "Provisioning", "2/3", 1}, t2));
  // Status flips: the transition time moves.
  EXPECT_TRUE(SetCondition(status, {"Ready", "True", "AllNodesReady", "", 2}, t2));
  EXPECT_EQ(status["conditions"][0]["lastTransitionTime"], FormatTime(t2));
  EXPECT_TRUE(IsConditionTrue(json{{"status", status}}, "Ready"));
  // Another type is appended, the first is kept.
  EXPECT_TRUE(SetCondition(status, {"Provisioned", "True", "Done", "", 2}, t2));
  EXPECT_EQ(status["conditions"].size(), 2u);
}

}  // namespace
}  // namespace labctl::api
