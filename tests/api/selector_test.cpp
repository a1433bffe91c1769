#include "api/selector.h"

#include <gtest/gtest.h>

namespace labctl::api {
namespace {

using json = nlohmann::json;

Selector Parse(const std::string& text) {
  auto s = ParseSelector(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status().ToString();
  return s.ok() ? *s : Selector{};
}

TEST(Selector, EmptyMatchesEverything) {
  Selector s = Parse("   ");
  EXPECT_TRUE(s.Empty());
  EXPECT_TRUE(s.Matches(json{{"a", "b"}}));
  EXPECT_TRUE(s.Matches(nullptr));
}

TEST(Selector, EqualsAndDoubleEquals) {
  json labels = {{"team", "net"}, {"tier", "ci"}};
  EXPECT_TRUE(Parse("team=net").Matches(labels));
  EXPECT_TRUE(Parse("team==net").Matches(labels));
  EXPECT_FALSE(Parse("team=web").Matches(labels));
  EXPECT_FALSE(Parse("owner=net").Matches(labels));
}

TEST(Selector, NotEqualsMatchesMissingKey) {
  json labels = {{"team", "net"}};
  EXPECT_FALSE(Parse("team!=net").Matches(labels));
  EXPECT_TRUE(Parse("team!=web").Matches(labels));
  EXPECT_TRUE(Parse("owner!=x").Matches(labels));
}

TEST(Selector, InAndNotIn) {
  json labels = {{"env", "dev"}};
  EXPECT_TRUE(Parse("env in (prod, dev)").Matches(labels));
  EXPECT_FALSE(Parse("env in (prod,qa)").Matches(labels));
  EXPECT_FALSE(Parse("other in (dev)").Matches(labels));
  EXPECT_FALSE(Parse("env notin (dev)").Matches(labels));
  EXPECT_TRUE(Parse("env notin (prod)").Matches(labels));
  EXPECT_TRUE(Parse("other notin (dev)").Matches(labels));
}

TEST(Selector, ExistsAndDoesNotExist) {
  json labels = {{"gpu", ""}};
  EXPECT_TRUE(Parse("gpu").Matches(labels));
  EXPECT_FALSE(Parse("!gpu").Matches(labels));
  EXPECT_TRUE(Parse("!cpu").Matches(labels));
  EXPECT_FALSE(Parse("cpu").Matches(labels));
}

TEST(Selector, AllRequirementsMustMatch) {
  json labels = {{"a", "1"}, {"b", "2"}};
  EXPECT_TRUE(Parse("a=1,b in (2,3),!c").Matches(labels));
  EXPECT_FALSE(Parse("a=1,b=3").Matches(labels));
}

TEST(Selector, PrefixedKeys) {
  json labels = {{"dev.labctl/lab", "natlab"}};
  EXPECT_TRUE(Parse("dev.labctl/lab=natlab").Matches(labels));
}

TEST(Selector, ToStringRoundTrips) {
  std::string text = "a=1,b!=2,c in (x,y),d notin (z),e,!f";
  Selector s = Parse(text);
  ASSERT_EQ(s.requirements.size(), 6u);
  EXPECT_EQ(s.ToString(), text);
  EXPECT_EQ(Parse(s.ToString()).ToString(), text);
}

TEST(Selector, SyntaxErrorsAreBadRequestsNamingTheRequirement) {
  for (const char* bad : {"a=1,", "=x", "a in (x", "a in x", "a in (x y)", "a ~ b", "a===b",
                          "a=1 b=2", "a=b=c", "a notin", "!", "a=-bad-", "bad key=1", "a,,b"}) {
    auto s = ParseSelector(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.status().code(), Code::kBadRequest) << bad;
    EXPECT_NE(s.status().message().find("invalid label selector"), std::string::npos)
        << s.status().message();
  }
  auto s = ParseSelector("team=net,env in (a");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("env in (a"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace labctl::api
