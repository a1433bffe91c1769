// Identifiers from the kernel's CSPRNG (api/random.h): their shapes, and that they differ.
#include "api/random.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace labctl::api {
namespace {

TEST(Random, UuidsAreVersion4AndDistinct) {
  const std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = RandomUuid();
    EXPECT_TRUE(std::regex_match(id, v4)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Random, NameSuffixesUseTheWholeAlphabet) {
  std::set<char> chars;
  for (int i = 0; i < 200; ++i) {
    std::string s = RandomNameSuffix();
    ASSERT_EQ(s.size(), 5u);
    for (char c : s) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << s;
      chars.insert(c);
    }
  }
  EXPECT_EQ(chars.size(), 36u);  // 1000 draws miss one of 36 with probability < 1e-10
  EXPECT_EQ(RandomNameSuffix(64).size(), 64u);
}

}  // namespace
}  // namespace labctl::api
