// Parsing untrusted bodies: every input ends with values or a BadRequest, within the limits of
// api/input_limits.h — the inputs here once looped forever, took gigabytes, overflowed the
// stack or let bytes through that the store's serializer cannot write.
#include <gtest/gtest.h>

#include "api/input_limits.h"
#include "api/utf8.h"
#include "api/yaml.h"

namespace labctl::api {
namespace {

using json = nlohmann::json;

// The status of a parse that must fail; its message must contain `expected`.
void ExpectRefused(const Result<json>& r, const std::string& expected) {
  ASSERT_FALSE(r.ok()) << r->dump().substr(0, 200);
  EXPECT_EQ(r.status().code(), Code::kBadRequest);
  EXPECT_NE(r.status().message().find(expected), std::string::npos) << r.status().message();
  EXPECT_TRUE(IsValidUtf8(r.status().message()));
}
void ExpectRefused(const Result<std::vector<json>>& r, const std::string& expected) {
  ASSERT_FALSE(r.ok()) << r->size() << " documents";
  EXPECT_EQ(r.status().code(), Code::kBadRequest);
  EXPECT_NE(r.status().message().find(expected), std::string::npos) << r.status().message();
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// yaml-cpp 0.7 returns an empty document for "," forever without reading on (LoadAll looped,
// growing ~200 MB/s).
TEST(ParseLimits, LoneCommaIsASyntaxErrorNotAnEndlessStream) {
  ExpectRefused(ParseYamlDocuments(","), "line 1, column 1");
  ExpectRefused(ParseJsonOrYaml(","), "line 1, column 1");
  ExpectRefused(ParseYamlDocuments("a: 1\n---\n,\n"), "line 3, column 1");
}

TEST(ParseLimits, BillionLaughsStopsAtTheAliasBudget) {
  std::string text =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    text += std::string(1, c) + ": &" + c + " [" + Repeat("*" + prev + ",", 8) + "*" + prev + "]\n";
  }
  ASSERT_LT(text.size(), 400u);
  ExpectRefused(ParseJsonOrYaml(text), "aliases copy more than 10000 values");
}

TEST(ParseLimits, AliasesOfALongStringStopAtTheStringBudget) {
  std::string text = "a: &a " + std::string(100'000, 'x') + "\nb: [" + Repeat("*a,", 99) + "*a]\n";
  ExpectRefused(ParseJsonOrYaml(text), "bytes of strings");
}

TEST(ParseLimits, AnchorsCountTheCopiesTheyKeep) {
  // Every level anchored: 20 anchors would keep 20 copies of the 15,000 values below them.
  std::string text = "x: ";
  for (int i = 0; i < 20; ++i) text += "&a" + std::to_string(i) + " [";
  text += Repeat("1,", 15'000) + "1" + Repeat("]", 20) + "\n";
  ExpectRefused(ParseJsonOrYaml(text), "more than 200000 values");
}

TEST(ParseLimits, AliasesWithinTheBudgetAreCopies) {
  auto r = ParseJsonOrYaml("base: &b {image: x, env: {A: \"1\"}}\nn1: *b\nn2: *b\n&k key: *k\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["n1"], (json{{"image", "x"}, {"env", {{"A", "1"}}}}));
  EXPECT_EQ((*r)["n2"], (*r)["base"]);
  EXPECT_EQ((*r)["key"], "key");
}

// 4 MiB of '[' took ~1 GB and 8 s inside yaml-cpp before it produced anything.
TEST(ParseLimits, BracketFloodsStopEarly) {
  ExpectRefused(ParseJsonOrYaml(std::string(4u << 20, '[')), "nested deeper than 64 levels");
  ExpectRefused(ParseYamlDocuments("a: " + std::string(4u << 20, '[')), "larger than the limit");
  ExpectRefused(ParseYamlDocuments("a: " + std::string(1000 * 1000, '[')),
                "longer than 131072 bytes");
  ExpectRefused(ParseYamlDocuments("a: " + Repeat("[", 60'000) + Repeat("]", 60'000)),
                "nested deeper than 64 levels");
}

TEST(ParseLimits, JsonNestingIsBounded) {
  // Serializing or merge-patching 50,000 levels overflowed the stack.
  std::string deep =
      "{\"apiVersion\": " + std::string(50'000, '[') + std::string(50'000, ']') + "}";
  ExpectRefused(ParseJsonOrYaml(deep), "nested deeper than 64 levels");
  std::string patch = Repeat("{\"a\":", 100'000) + "1" + std::string(100'000, '}');
  ExpectRefused(ParseJsonOrYaml(patch), "nested deeper than 64 levels");
  std::string ok = Repeat("[", 64) + Repeat("]", 64);
  EXPECT_TRUE(ParseJsonOrYaml(ok).ok());
  ExpectRefused(ParseJsonOrYaml("[" + ok + "]"), "nested deeper than 64 levels");
}

TEST(ParseLimits, YamlNestingIsBounded) {
  std::string block;
  for (int i = 0; i < 100; ++i) block += std::string(i, ' ') + "a:\n";
  ExpectRefused(ParseYamlDocuments(block), "nested deeper than 64 levels");
  // An alias whose copy would be too deep where it lands.
  std::string anchored = "x: &d " + Repeat("[", 40) + Repeat("]", 40) + "\ny: " + Repeat("[", 30) +
                         "*d" + Repeat("]", 30) + "\n";
  ExpectRefused(ParseYamlDocuments(anchored), "nested deeper than 64 levels");
}

TEST(ParseLimits, ValueCountIsBounded) {
  ExpectRefused(ParseJsonOrYaml("[" + Repeat("1,", 250'000) + "1]"), "more than 200000 values");
  ExpectRefused(ParseYamlDocuments(Repeat("- a\n", 250'000)), "more than 200000 values");
}

TEST(ParseLimits, DocumentCountIsBounded) {
  ExpectRefused(ParseYamlDocuments(Repeat("---\na: 1\n", 1001)), "more than 1000 documents");
  auto many = ParseYamlDocuments(Repeat("---\na: 1\n", 1000));
  ASSERT_TRUE(many.ok()) << many.status().ToString();
  EXPECT_EQ(many->size(), 1000u);
}

TEST(ParseLimits, TimeLimitEndsTheParse) {
  ParseLimits limits;
  limits.max_yaml_time = std::chrono::milliseconds(-1);  // already over
  ExpectRefused(ParseYamlDocuments("a: 1\n", limits), "parsing took longer than -1 ms");
}

// libstdc++'s std::regex recursed once per character when typing a plain scalar: 100,000
// digits overflowed the stack.
TEST(ParseLimits, LongPlainScalarsAreStrings) {
  std::string digits(100'000, '7');
  auto r = ParseJsonOrYaml("a: " + digits + "\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["a"], digits);
  auto back = ParseJsonOrYaml(ToYaml(*r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, *r);
}

// Bytes that are not UTF-8 reached the store's writer thread, whose serializer threw
// type_error 316 and took labd down.
TEST(ParseLimits, InvalidUtf8IsRefusedNamingTheField) {
  ExpectRefused(ParseYamlDocuments("name: t\nx: \"\xff\"\n"), "invalid UTF-8 in x");
  ExpectRefused(ParseJsonOrYaml("{\"metadata\":{\"annotations\":{\"a\":\"\xc3\x28\"}}}"),
                "metadata.annotations.a");
  ExpectRefused(ParseJsonOrYaml("metadata:\n  labels:\n    \xe2\x82: x\n"),
                "invalid UTF-8 in a key of metadata.labels");
  ExpectRefused(ParseJsonOrYaml("a: [x, \"\xed\xa0\x80\"]\n"), "invalid UTF-8 in a[1]");
  auto fine = ParseJsonOrYaml("a: gr\xc3\xbc\xc3\x9f\x65\n");
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
}

TEST(ParseLimits, OverflowingNumbersAreBadRequests) {
  ExpectRefused(ParseJsonOrYaml("{\"spec\": {\"x\": 1e400}}"),
                "invalid JSON at line 1, column 20 (spec.x): number overflow parsing '1e400'");
  auto yaml = ParseJsonOrYaml("x: 1e400\n");  // not a YAML number: a string
  ASSERT_TRUE(yaml.ok());
  EXPECT_EQ((*yaml)["x"], "1e400");
}

TEST(Utf8, WellFormedSequencesOnly) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));  // é € 😀
  EXPECT_EQ(FirstInvalidUtf8("ab\xff"), 2u);
  EXPECT_EQ(FirstInvalidUtf8("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("\xed\xa0\x80"), 0u);      // surrogate U+D800
  EXPECT_EQ(FirstInvalidUtf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("x\xe2\x82"), 1u);         // truncated
  EXPECT_EQ(ValidUtf8("a\xffz"), "a\xef\xbf\xbdz");
  Status st = CheckUtf8("ok\nab\xff", "topology");
  EXPECT_EQ(st.message(), "topology: invalid UTF-8 at line 2, column 3");
}

}  // namespace
}  // namespace labctl::api
