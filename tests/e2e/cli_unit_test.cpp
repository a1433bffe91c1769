// Unit tests of labctl's pure parts: durations and ages, JSONPath, tables, text diffs, wait
// conditions and output formats. No server involved.
#include <gtest/gtest.h>

#include "cli/util/duration.h"
#include "cli/util/jsonpath.h"
#include "cli/util/printers.h"
#include "cli/util/table.h"
#include "cli/util/text_diff.h"
#include "cli/util/wait_condition.h"

namespace labctl::cli {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(CliUnitAge, FollowsKubectlHumanDuration) {
  EXPECT_EQ(HumanDuration(seconds(5)), "5s");
  EXPECT_EQ(HumanDuration(seconds(119)), "119s");
  EXPECT_EQ(HumanDuration(seconds(200)), "3m20s");
  EXPECT_EQ(HumanDuration(seconds(180)), "3m");
  EXPECT_EQ(HumanDuration(seconds(45 * 60)), "45m");
  EXPECT_EQ(HumanDuration(seconds(2 * 3600)), "120m");  // kubectl: minutes up to 3h
  EXPECT_EQ(HumanDuration(seconds(4 * 3600)), "4h");
  EXPECT_EQ(HumanDuration(seconds(5 * 3600 + 7 * 60)), "5h7m");
  EXPECT_EQ(HumanDuration(seconds(20 * 3600)), "20h");
  EXPECT_EQ(HumanDuration(seconds(4 * 86400)), "4d");
  EXPECT_EQ(HumanDuration(seconds(4 * 86400 + 3 * 3600)), "4d3h");
  EXPECT_EQ(HumanDuration(seconds(100 * 86400)), "100d");
  EXPECT_EQ(HumanDuration(seconds(3 * 365 * 86400)), "3y");
  EXPECT_EQ(HumanDuration(milliseconds(-500)), "0s");
  EXPECT_EQ(HumanDuration(seconds(-10)), "<invalid>");
}

TEST(CliUnitAge, AgeOfTimestamp) {
  api::TimePoint now;
  ASSERT_TRUE(api::ParseTime("2026-11-25T18:10:00Z", &now));
  EXPECT_EQ(Age("2026-11-25T18:09:55Z", now), "5s");
  EXPECT_EQ(Age("2026-11-25T14:10:00Z", now), "4h");
  EXPECT_EQ(Age("not a time", now), "<unknown>");
  // Found by the duration fuzz target: nanoseconds 326 years apart overflowed when subtracted.
  EXPECT_EQ(Age("1700-01-01T00:00:00Z", now), "327y");
}

json SampleList() {
  return json::parse(R"({
    "kind": "LabList",
    "items": [
      {"metadata": {"name": "a", "labels": {"app.kubernetes.io/name": "x"}},
       "status": {"phase": "Ready", "conditions": [
          {"type": "Provisioned", "status": "True"}, {"type": "Ready", "status": "False"}]}},
      {"metadata": {"name": "b"}, "spec": {"nodes": [{"name": "n1"}, {"name": "n2"}]},
       "status": {"phase": "Pending", "conditions": [{"type": "Ready", "status": "True"}]}}
    ]})");
}

std::string JsonPathRun(const std::string& tmpl, const json& doc) {
  auto jp = JsonPath::Parse(tmpl);
  EXPECT_TRUE(jp.ok()) << jp.status().ToString();
  return jp.ok() ? jp->Execute(doc) : "";
}

// Found by the jsonpath fuzz target: an index past int64 threw out of the parser.
TEST(CliUnitJsonPath, IndexPastInt64IsAnError) {
  auto jp = JsonPath::Parse("{.a[0:111111111111111111112]}");
  ASSERT_FALSE(jp.ok());
  EXPECT_NE(jp.status().message().find("invalid jsonpath"), std::string::npos);
}

TEST(CliUnitJsonPath, FieldsWildcardsAndIndexes) {
  json doc = SampleList();
  EXPECT_EQ(JsonPathRun("{.kind}", doc), "LabList");
  EXPECT_EQ(JsonPathRun("{.items[*].metadata.name}", doc), "a b");
  EXPECT_EQ(JsonPathRun("{.items[0].status.phase}", doc), "Ready");
  EXPECT_EQ(JsonPathRun("{.items[-1].metadata.name}", doc), "b");
  EXPECT_EQ(JsonPathRun("{.items[0:1].metadata.name}", doc), "a");
  EXPECT_EQ(JsonPathRun("{$.items[1].spec.nodes[*].name}", doc), "n1 n2");
  EXPECT_EQ(JsonPathRun("{.items[5].metadata.name}", doc), "");
  EXPECT_EQ(JsonPathRun("{.missing.field}", doc), "");
  EXPECT_EQ(JsonPathRun("name={.items[0].metadata.name}!", doc), "name=a!");
  EXPECT_EQ(JsonPathRun(".kind", doc), "LabList");  // no braces: one expression
}

TEST(CliUnitJsonPath, FiltersAndRecursiveDescent) {
  json doc = SampleList();
  EXPECT_EQ(JsonPathRun(R"({.items[0].status.conditions[?(@.type=="Ready")].status})", doc),
            "False");
  EXPECT_EQ(JsonPathRun(R"({.items[*].status.conditions[?(@.status=='True')].type})", doc),
            "Provisioned Ready");
  EXPECT_EQ(JsonPathRun(R"({.items[?(@.status.phase!="Ready")].metadata.name})", doc), "b");
  EXPECT_EQ(JsonPathRun("{.items[?(@.spec)].metadata.name}", doc), "b");
  EXPECT_EQ(JsonPathRun("{..phase}", doc), "Ready Pending");
  EXPECT_EQ(JsonPathRun(R"({.items[0].metadata.labels.app\.kubernetes\.io/name})", doc), "x");
  EXPECT_EQ(JsonPathRun(R"({.items[0].metadata.labels['app.kubernetes.io/name']})", doc), "x");
  json nums = json::parse(R"({"a": [{"n": 1}, {"n": 5}, {"n": 10}]})");
  EXPECT_EQ(JsonPathRun("{.a[?(@.n > 4)].n}", nums), "5 10");
}

TEST(CliUnitJsonPath, RangeAndLiterals) {
  json doc = SampleList();
  EXPECT_EQ(
      JsonPathRun(R"({range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end})", doc),
      "a\tReady\nb\tPending\n");
  EXPECT_EQ(JsonPathRun("{.items[1].spec}", doc), R"({"nodes":[{"name":"n1"},{"name":"n2"}]})");
}

TEST(CliUnitJsonPath, RejectsMalformedTemplates) {
  for (const char* bad :
       {"{.items[}", "{range .items[*]}{.a}", "{end}", "{.a", "{.items[?(@.a==1]}"})
    EXPECT_FALSE(JsonPath::Parse(bad).ok()) << bad;
}

TEST(CliUnitTable, AlignsColumnsLikeKubectl) {
  Table t({"NAME", "PHASE", "AGE"});
  t.AddRow({"natlab", "Ready", "5s"});
  t.AddRow({"x", "Provisioning", "3m"});
  EXPECT_EQ(t.Render(),
            "NAME     PHASE          AGE\n"
            "natlab   Ready          5s\n"
            "x        Provisioning   3m\n");
}

TEST(CliUnitDiff, ShowsChangedLinesWithContext) {
  EXPECT_EQ(UnifiedDiff("a", "b", "x\ny\n", "x\ny\n"), "");
  std::string d = UnifiedDiff("live", "file", "a\nb\nc\n", "a\nB\nc\n");
  EXPECT_EQ(d, "--- live\n+++ file\n@@\n a\n-b\n+B\n c\n");
  EXPECT_EQ(UnifiedDiff("live", "file", "", "n: 1\n"), "--- live\n+++ file\n@@\n+n: 1\n");
}

json LabWithCondition(int64_t generation, const std::string& status, int64_t observed) {
  json cond = {{"type", "Ready"}, {"status", status}};
  if (observed > 0) cond["observedGeneration"] = observed;
  return {{"metadata", {{"name", "natlab"}, {"generation", generation}}},
          {"status", {{"phase", "Ready"}, {"conditions", json::array({cond})}}}};
}

TEST(CliUnitWait, ParsesForFlag) {
  auto c = ParseWaitFor("condition=Ready");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->type, WaitFor::Type::kCondition);
  EXPECT_EQ(c->condition_type, "Ready");
  EXPECT_EQ(c->condition_status, "True");
  EXPECT_EQ(ParseWaitFor("condition=Ready=false")->condition_status, "false");
  EXPECT_EQ(ParseWaitFor("delete")->type, WaitFor::Type::kDelete);
  auto j = ParseWaitFor("jsonpath={.status.phase}=Ready");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(j->jsonpath, ".status.phase");
  EXPECT_EQ(*j->value, "Ready");
  auto q = ParseWaitFor("jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'=True");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(*q->value, "True");
  EXPECT_FALSE(ParseWaitFor("jsonpath={.status.phase}")->value.has_value());
  EXPECT_FALSE(ParseWaitFor("ready").ok());
  EXPECT_FALSE(ParseWaitFor("condition=").ok());
}

TEST(CliUnitWait, ConditionCaseInsensitiveAndGenerationAware) {
  auto w = *ParseWaitFor("condition=ready=TRUE");
  EXPECT_TRUE(WaitConditionMet(w, LabWithCondition(2, "True", 0)));
  EXPECT_TRUE(WaitConditionMet(w, LabWithCondition(2, "True", 2)));
  EXPECT_FALSE(WaitConditionMet(w, LabWithCondition(3, "True", 2)));  // stale condition
  EXPECT_FALSE(WaitConditionMet(w, LabWithCondition(2, "False", 2)));
  EXPECT_TRUE(
      WaitConditionMet(*ParseWaitFor("condition=Ready=false"), LabWithCondition(1, "False", 1)));
  EXPECT_FALSE(WaitConditionMet(w, json{{"metadata", {{"name", "x"}}}}));
}

TEST(CliUnitWait, JsonPathValueOrPresence) {
  json lab = LabWithCondition(1, "True", 1);
  EXPECT_TRUE(WaitConditionMet(*ParseWaitFor("jsonpath={.status.phase}=Ready"), lab));
  EXPECT_FALSE(WaitConditionMet(*ParseWaitFor("jsonpath={.status.phase}=Failed"), lab));
  EXPECT_TRUE(WaitConditionMet(*ParseWaitFor("jsonpath={.status.phase}"), lab));
  EXPECT_FALSE(WaitConditionMet(*ParseWaitFor("jsonpath={.status.heldBy}"), lab));
}

TEST(CliUnitPrinters, TopologyFileLabCountsTheNodesItsStatusReports) {
  // A containerlab or netlab Lab has no spec.nodes: "4/0" read as four of no nodes ready.
  json lab = json::parse(R"({"kind":"Lab","metadata":{"name":"clab1"},
      "spec":{"provider":"containerlab","containerlab":{"topology":"name: clab1"}},
      "status":{"nodes":[{"name":"a","ready":true},{"name":"b","ready":true},
        {"name":"c","ready":false}]}})");
  EXPECT_EQ(LabReadyCount(lab), "2/3");
  EXPECT_EQ(LabNodeCount(lab, {}), 3u);
}

TEST(CliUnitPrinters, LabTableAndFormats) {
  json lab = json::parse(R"({"kind":"Lab","metadata":{"name":"natlab",
      "creationTimestamp":"2026-11-25T18:00:00Z"},
      "spec":{"provider":"docker","skipGroups":["windows"],"nodes":[{"name":"a"},
        {"name":"b","group":"windows"},{"name":"c"}]},
      "status":{"phase":"Ready","specHash":"0123456789abcdef","nodes":[{"name":"a","ready":true}]}})");
  api::TimePoint now;
  ASSERT_TRUE(api::ParseTime("2026-11-25T18:00:05Z", &now));
  EXPECT_EQ(LabReadyCount(lab), "1/2");
  auto table = *ParseOutputFormat("");
  EXPECT_EQ(RenderObjects(api::Kind::kLab, {lab}, false, table, now),
            "NAME     PROVIDER   PHASE   READY   HELD-BY   AGE\n"
            "natlab   docker     Ready   1/2     <none>    5s\n");
  auto wide = *ParseOutputFormat("wide");
  std::string wide_table = RenderObjects(api::Kind::kLab, {lab}, false, wide, now);
  EXPECT_NE(wide_table.find("OnDemand    01234567   3"), std::string::npos) << wide_table;
  EXPECT_EQ(RenderObjects(api::Kind::kLab, {lab}, false, *ParseOutputFormat("name"), now),
            "lab/natlab\n");
  auto list_json =
      json::parse(RenderObjects(api::Kind::kLab, {lab}, false, *ParseOutputFormat("json"), now));
  EXPECT_EQ(list_json["kind"], "List");
  EXPECT_EQ(list_json["items"][0]["metadata"]["name"], "natlab");
  EXPECT_EQ(RenderObjects(api::Kind::kLab, {lab}, true,
                          *ParseOutputFormat("jsonpath={.status.phase}"), now),
            "Ready");
  EXPECT_FALSE(ParseOutputFormat("xml").ok());
}

}  // namespace
}  // namespace labctl::cli
