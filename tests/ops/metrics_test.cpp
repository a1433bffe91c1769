// labd's /metrics: the registry's exposition format, and a real labd's scrape checked by
// `promtool check metrics` with the series an operator alerts on present and moving.
#include <gmock/gmock.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "client/client.h"
#include "metrics/registry.h"
#include "ops/promtool.h"
#include "support/labd_process.h"
#include "support/poll.h"

namespace labctl::ops {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

TEST(MetricsRegistry, RendersTheExpositionFormatPromtoolAccepts) {
  metrics::Registry r;
  r.Counter("t_requests_total", "Requests.\nSecond line \\ kept.", {"path"})
      .With({"a\"b\\c\nd"})
      .Inc(3);
  r.Gauge("t_temperature_celsius", "A gauge.").With().Set(-1.5);
  auto& h = r.Histogram("t_wait_seconds", "A histogram.", {"kind"}, {0.5, 1});
  h.With({"x"}).Observe(0.25);
  h.With({"x"}).Observe(2);
  r.Counter("t_empty_total", "A family without children yet.", {"kind"});
  const std::string text = r.Render();
  EXPECT_THAT(text, HasSubstr("# HELP t_requests_total Requests.\\nSecond line \\\\ kept.\n"));
  EXPECT_THAT(text, HasSubstr("t_requests_total{path=\"a\\\"b\\\\c\\nd\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("t_temperature_celsius -1.5\n"));
  EXPECT_THAT(text, HasSubstr("t_wait_seconds_bucket{kind=\"x\",le=\"0.5\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("t_wait_seconds_bucket{kind=\"x\",le=\"1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("t_wait_seconds_bucket{kind=\"x\",le=\"+Inf\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("t_wait_seconds_sum{kind=\"x\"} 2.25\n"));
  EXPECT_THAT(text, HasSubstr("t_wait_seconds_count{kind=\"x\"} 2\n"));
  LABCTL_NEED_PROMTOOL();
  EXPECT_EQ(PromtoolProblems(text), "") << text;
}

TEST(MetricsRegistry, CollectorsRunAtEachScrapeWhileTheirHandleLives) {
  metrics::Registry r;
  auto& g = r.Gauge("t_collected", "Set by a collector.");
  int runs = 0;
  {
    auto handle = r.AddCollector([&] { g.With().Set(++runs); });
    EXPECT_THAT(r.Render(), HasSubstr("t_collected 1\n"));
    EXPECT_THAT(r.Render(), HasSubstr("t_collected 2\n"));
  }
  EXPECT_THAT(r.Render(), HasSubstr("t_collected 2\n"));
  EXPECT_EQ(runs, 2);
}

// The value of the sample `series` (name with its labels, exactly as rendered); -1 if absent.
double Sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

std::string Scrape(client::Client& c) {
  auto body = c.Request("GET", "/metrics");
  EXPECT_TRUE(body.ok()) << body.status().ToString();
  return body.ok() && body->is_string() ? body->get<std::string>() : "";
}

json Session(const std::string& name) {
  return {{"apiVersion", "labctl.dev/v1alpha1"},
          {"kind", "Session"},
          {"metadata", {{"name", name}}},
          {"spec", {{"holder", "metrics test"}}}};
}

TEST(LabdMetrics, ScrapePassesPromtoolAndHasTheSeriesOperatorsAlertOn) {
  testing::LabdProcess labd({.extra_args = {"--slots", "1"}});
  ASSERT_TRUE(labd.running());
  client::Client c({.server = labd.url()});
  ASSERT_TRUE(c.Create(api::Kind::kSession, Session("first")).ok());
  ASSERT_TRUE(c.Create(api::Kind::kSession, Session("second")).ok());
  // The first is promoted (one slot), the second waits.
  std::string text;
  testing::PollUntil([&] {
    text = Scrape(c);
    // The reconcile that promoted is timed once it returns, after its write.
    return Sample(text, "labd_session_wait_seconds_count") >= 1 &&
           Sample(text, "labd_session_queue_length") == 1 &&
           Sample(text, "labd_reconcile_duration_seconds_count{controller=\"session\"}") >= 1;
  });
  EXPECT_EQ(Sample(text, "labd_session_wait_seconds_count"), 1) << text;
  EXPECT_EQ(Sample(text, "labd_session_promotion_latency_seconds_count"), 1) << text;
  EXPECT_EQ(Sample(text, "labd_session_queue_length"), 1) << text;
  EXPECT_EQ(Sample(text, "labd_sessions{phase=\"Active\"}"), 1) << text;
  EXPECT_EQ(Sample(text, "labd_sessions{phase=\"Waiting\"}"), 1) << text;
  EXPECT_EQ(Sample(text, "labd_labs{phase=\"Ready\"}"), 0) << text;
  EXPECT_GE(Sample(text, "labd_reconcile_duration_seconds_count{controller=\"session\"}"), 1)
      << text;
  EXPECT_EQ(Sample(text, "labd_reconcile_errors_total{controller=\"session\"}"), 0) << text;
  EXPECT_EQ(Sample(text, "labd_workqueue_retries_total{controller=\"session\"}"), 0) << text;
  EXPECT_GE(Sample(text, "labd_workqueue_depth{controller=\"session\"}"), 0) << text;
  EXPECT_GE(Sample(text, "labd_store_commit_duration_seconds_count"), 2) << text;
  EXPECT_GE(Sample(text, "labd_store_batch_size_count"), 2) << text;
  EXPECT_GT(Sample(text, "labd_store_db_bytes"), 0) << text;
  EXPECT_GE(Sample(text, "labd_store_wal_bytes"), 0) << text;
  EXPECT_GT(Sample(text, "process_resident_memory_bytes"), 0) << text;
  EXPECT_GT(Sample(text, "process_threads"), 1) << text;
  EXPECT_GT(Sample(text, "process_open_fds"), 3) << text;
  EXPECT_GE(Sample(text, "labd_http_requests_total{method=\"POST\",code=\"201\"}"), 2) << text;
  // Families that have not happened yet are listed all the same, for alert rules to find.
  for (const char* family :
       {"labd_lab_bringup_duration_seconds histogram",
        "labd_lab_teardown_duration_seconds histogram",
        "labd_docker_request_duration_seconds histogram",
        "labd_docker_request_errors_total counter",
        "labd_docker_event_stream_reconnects_total counter", "labd_watch_gone_total counter",
        "labd_watch_events_dropped_total counter", "labd_store_commit_errors_total counter"})
    EXPECT_THAT(text, HasSubstr(std::string("# TYPE ") + family + "\n"));
  LABCTL_NEED_PROMTOOL();
  EXPECT_EQ(PromtoolProblems(text), "") << text;
}

// The alert rules docs/operations.md shows: the yaml block that starts with "groups:".
TEST(LabdMetrics, AlertRulesInTheOperationsGuideLoad) {
  const std::string doc = testing::ReadFile(LABCTL_SOURCE_DIR "/docs/operations.md");
  const size_t start = doc.find("```yaml\ngroups:\n");
  ASSERT_NE(start, std::string::npos);
  const size_t body = start + 8;
  const std::string rules = doc.substr(body, doc.find("```", body) - body);
  LABCTL_NEED_PROMTOOL();
  const std::string dir = testing::MakeTempDir("labctl-rules");
  std::ofstream(dir + "/rules.yml") << rules;
  auto r = testing::RunProgram({"promtool", "check", "rules", dir + "/rules.yml"});
  testing::RunProgram({"rm", "-rf", dir});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << rules;
  EXPECT_THAT(r.out, HasSubstr("SUCCESS: 3 rules found")) << r.out;
}

}  // namespace
}  // namespace labctl::ops
