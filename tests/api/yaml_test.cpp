#include "api/yaml.h"

#include <gtest/gtest.h>

namespace labctl::api {
namespace {

using json = nlohmann::json;

json ParseOne(const std::string& text) {
  auto r = ParseJsonOrYaml(text);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : json();
}

TEST(Yaml, MultiDocumentStreamSkipsEmptyDocuments) {
  auto docs =
      ParseYamlDocuments("---\nkind: Lab\n---\n---\n# only a comment\n---\nkind: Session\n");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0]["kind"], "Lab");
  EXPECT_EQ((*docs)[1]["kind"], "Session");
}

TEST(Yaml, PlainScalarsGetJsonTypes) {
  json v = ParseOne(
      "i: 42\nneg: -7\nf: 1.5\ne: 2e3\nt: true\nF: False\nn: null\ntilde: ~\nempty:\n"
      "s: hello\nip: 10.0.0.1\ncidr: 10.0.0.0/16\nyes_word: yes\nbig: 123456789012345678901\n");
  EXPECT_EQ(v["i"], 42);
  EXPECT_TRUE(v["i"].is_number_integer());
  EXPECT_EQ(v["neg"], -7);
  EXPECT_DOUBLE_EQ(v["f"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(v["e"].get<double>(), 2000.0);
  EXPECT_EQ(v["t"], true);
  EXPECT_EQ(v["F"], false);
  EXPECT_TRUE(v["n"].is_null());
  EXPECT_TRUE(v["tilde"].is_null());
  EXPECT_TRUE(v["empty"].is_null());
  EXPECT_EQ(v["s"], "hello");
  EXPECT_EQ(v["ip"], "10.0.0.1");
  EXPECT_EQ(v["cidr"], "10.0.0.0/16");
  EXPECT_EQ(v["yes_word"], "yes");  // YAML 1.2: only true/false are booleans
  EXPECT_TRUE(v["big"].is_number_float());
}

TEST(Yaml, QuotedScalarsStayStrings) {
  json v = ParseOne("a: \"123\"\nb: 'true'\nc: \"null\"\nd: ''\ne: !!str 7\n");
  EXPECT_EQ(v["a"], "123");
  EXPECT_EQ(v["b"], "true");
  EXPECT_EQ(v["c"], "null");
  EXPECT_EQ(v["d"], "");
  EXPECT_EQ(v["e"], "7");
}

TEST(Yaml, SequencesAndNestedMaps) {
  json v = ParseOne("nodes:\n  - name: a\n    env: {X: \"1\"}\n  - {name: b, tags: [x, 2]}\n");
  ASSERT_EQ(v["nodes"].size(), 2u);
  EXPECT_EQ(v["nodes"][0]["env"]["X"], "1");
  EXPECT_EQ(v["nodes"][1]["tags"], json::array({"x", 2}));
}

TEST(Yaml, SyntaxErrorGivesOneBasedLineAndColumn) {
  auto r = ParseYamlDocuments("a: 1\nb: [1, 2\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kBadRequest);
  EXPECT_NE(r.status().message().find("line 3, column 1"), std::string::npos)
      << r.status().message();

  auto r2 = ParseYamlDocuments("a: 1\n  b: 2\n");
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("line 2, column 4"), std::string::npos)
      << r2.status().message();
}

TEST(Yaml, DuplicateKeyIsAnError) {
  auto r = ParseYamlDocuments("a: 1\nb: 2\na: 3\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 3, column 1"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("duplicate key"), std::string::npos);
}

TEST(Yaml, JsonErrorsGiveLineAndColumn) {
  auto r = ParseJsonOrYaml("{\n  \"a\": 1,\n  \"b\": ]\n}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kBadRequest);
  EXPECT_NE(r.status().message().find("line 3, column 8"), std::string::npos)
      << r.status().message();
}

TEST(Yaml, JsonOrYamlAcceptsBoth) {
  EXPECT_EQ(ParseOne("{\"a\": [1, \"x\"]}"), (json{{"a", {1, "x"}}}));
  EXPECT_EQ(ParseOne("a: [1, x]"), (json{{"a", {1, "x"}}}));
  EXPECT_FALSE(ParseJsonOrYaml("a: 1\n---\nb: 2\n").ok());
  EXPECT_FALSE(ParseJsonOrYaml("").ok());
}

TEST(Yaml, ToYamlQuotesStringsThatWouldChangeType) {
  json v = {{"n", "123"},   {"t", "true"},    {"y", "yes"},    {"no", "no"},      {"on", "on"},
            {"off", "off"}, {"null", "null"}, {"tilde", "~"},  {"e", ""},         {"sp", " x "},
            {"f", "1.5"},   {"hex", "0x1F"},  {"inf", ".inf"}, {"plain", "hello"}};
  std::string text = ToYaml(v);
  for (const char* quoted :
       {"\"123\"", "\"true\"", "\"yes\"", "\"no\"", "\"on\"", "\"off\"", "\"null\"", "\"~\"",
        "\"\"", "\" x \"", "\"1.5\"", "\"0x1F\"", "\".inf\""})
    EXPECT_NE(text.find(quoted), std::string::npos) << quoted << " in\n" << text;
  EXPECT_NE(text.find("plain: hello"), std::string::npos) << text;
  auto back = ParseJsonOrYaml(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << text;
  EXPECT_EQ(*back, v);
}

TEST(Yaml, ToYamlRoundTripsEveryType) {
  json v = {{"int", 5},
            {"neg", -3},
            {"float", 0.1},
            {"bool", false},
            {"null", nullptr},
            {"empty_obj", json::object()},
            {"empty_arr", json::array()},
            {"special", "a: b # c"},
            {"dash", "-c1"},
            {"quote", "say \"hi\"\\"},
            {"multi", "line one\nline two\n"},
            {"multi_no_nl", "a\nb"},
            {"unicode", "grüße"},
            {"nested", {{"list", {1, "two", json::array({3})}}, {"map", {{"k", "v"}}}}}};
  std::string text = ToYaml(v);
  auto back = ParseJsonOrYaml(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << text;
  EXPECT_EQ(*back, v) << text;
}

// Found by the yaml fuzz target: a noncharacter in a double-quoted string comes out as U+FFFD
// (yaml-cpp's emitter); the rest of the string is kept and the output reads back.
TEST(Yaml, ToYamlWritesNoncharactersInQuotedStringsAsReplacementCharacter) {
  json v = {{"ffff", "\x0b)\xe5\xac\x80\xef\xbf\xbf"}};
  std::string text = ToYaml(v);
  auto back = ParseJsonOrYaml(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << text;
  EXPECT_EQ(*back, json({{"ffff", "\x0b)\xe5\xac\x80\xef\xbf\xbd"}})) << text;
}

// Found by the yaml fuzz target: a multi-line string with a NUL went into a literal block and
// the output was cut at the NUL; "---" was written plain and read back as a document marker.
TEST(Yaml, ToYamlKeepsControlCharactersOfMultiLineStrings) {
  json v = {{"e", std::string("multi\nR\0ne\n", 11)},
            {"esc", "a\n\x1b[0m\n"},
            {"marker", "---"},
            {"cr", "-22222\r"},
            {"nul", std::string("a\0b", 3)},
            {"end", "... x"},
            {"list", json::array({"---", "..."})}};
  std::string text = ToYaml(v);
  auto back = ParseJsonOrYaml(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << text;
  EXPECT_EQ(*back, v) << text;
}

TEST(Yaml, ToYamlKeepsOrderOfOrderedJson) {
  nlohmann::ordered_json v;
  v["kind"] = "Lab";
  v["apiVersion"] = "labctl.dev/v1alpha1";
  v["metadata"]["name"] = "x";
  std::string text = ToYaml(v);
  EXPECT_LT(text.find("kind"), text.find("apiVersion")) << text;
  EXPECT_LT(text.find("apiVersion"), text.find("metadata")) << text;
}

}  // namespace
}  // namespace labctl::api

namespace labctl::api {
namespace {

TEST(Yaml, FlowStyleYamlThatIsNotJsonStillParses) {
  auto r = ParseJsonOrYaml("{kind: Lab, metadata: {name: x}}");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["metadata"]["name"], "x");
  auto bad = ParseJsonOrYaml("{\"kind\": \"Lab\",, }");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("invalid JSON at line 1"), std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace labctl::api
