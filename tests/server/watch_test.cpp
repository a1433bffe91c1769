// Watch streams of a real labd: initial ADDED, exact resumption, selector transitions,
// bookmarks, timeoutSeconds, 410 for compacted history, many watchers at once, and release of
// a watch whose client went away.
#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "server/server_test_util.h"
#include "tests/support/labd_process.h"
#include "tests/support/poll.h"

namespace labctl::servertest {
namespace {

using testing::LabdProcess;

const std::string kLabs = std::string(kApi) + "/labs";

uint64_t Rv(const json& object) {
  return std::stoull(object["metadata"]["resourceVersion"].get<std::string>());
}

std::vector<std::string> Types(const std::vector<json>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e["type"]);
  return out;
}

TEST(WatchTest, WithoutResourceVersionSendsAddedForExistingThenChanges) {
  LabdProcess labd;
  Api api(labd.port());
  api.MustCreate("labs", SampleLab("w1"));
  api.MustCreate("labs", SampleLab("w2"));
  WatchReader watch(labd.port(), kLabs + "?watch=1");
  auto initial = watch.WaitForEvents(2);
  ASSERT_EQ(initial.size(), 2u) << watch.body();
  EXPECT_EQ(Types(initial), (std::vector<std::string>{"ADDED", "ADDED"}));
  EXPECT_EQ(watch.status(), 200);

  api.MustCreate("labs", SampleLab("w3"));
  auto added = watch.WaitFor([](const json& e) {
    return e["type"] == "ADDED" && e["object"]["metadata"]["name"] == "w3";
  });
  EXPECT_TRUE(added.has_value()) << watch.body();
  ASSERT_EQ(api.Delete(kLabs + "/w1").status, 200);
  auto deleted = watch.WaitFor([](const json& e) {
    return e["type"] == "DELETED" && e["object"]["metadata"]["name"] == "w1";
  });
  EXPECT_TRUE(deleted.has_value() ||
              api.Get(kLabs + "/w1").Json()["metadata"].contains("deletionTimestamp"))
      << watch.body();
}

TEST(WatchTest, ResumesFromResourceVersionWithoutGapOrDuplicate) {
  LabdProcess labd;
  Api api(labd.port());
  std::vector<uint64_t> written;
  for (int i = 0; i < 5; ++i)
    written.push_back(Rv(api.MustCreate("labs", SampleLab("r" + std::to_string(i)))));
  for (int i = 0; i < 5; ++i) {
    Reply r = api.Patch(kLabs + "/r" + std::to_string(i),
                        R"({"metadata":{"labels":{"step":")" + std::to_string(i) + R"("}}})");
    ASSERT_EQ(r.status, 200) << r.body;
    written.push_back(Rv(r.Json()));
  }
  // Resume after the third write: expect exactly the writes after it, in order.
  const uint64_t from = written[2];
  WatchReader watch(labd.port(), kLabs + "?watch=true&resourceVersion=" + std::to_string(from));
  std::set<uint64_t> seen;
  auto events = watch.WaitFor([&](const json& e) { return Rv(e["object"]) >= written.back(); });
  ASSERT_TRUE(events.has_value()) << watch.body();
  uint64_t last = from;
  for (const auto& e : watch.events()) {
    uint64_t rv = Rv(e["object"]);
    EXPECT_GT(rv, last) << "out of order or duplicate: " << e.dump();
    last = rv;
    seen.insert(rv);
  }
  for (size_t i = 3; i < written.size(); ++i) EXPECT_TRUE(seen.count(written[i])) << written[i];
  EXPECT_FALSE(seen.count(from));
}

TEST(WatchTest, ObjectLeavingTheSelectorArrivesAsDeleted) {
  LabdProcess labd;
  Api api(labd.port());
  WatchReader watch(labd.port(), kLabs + "?watch=1&labelSelector=team%3Dred");
  api.MustCreate("labs", SampleLab("sel", {{"team", "red"}}));
  api.MustCreate("labs", SampleLab("other", {{"team", "blue"}}));
  ASSERT_TRUE(watch.WaitFor([](const json& e) { return e["type"] == "ADDED"; }));
  ASSERT_EQ(api.Patch(kLabs + "/sel", R"({"metadata":{"labels":{"team":"blue"}}})").status, 200);
  ASSERT_TRUE(watch.WaitFor([](const json& e) { return e["type"] == "DELETED"; })) << watch.body();
  ASSERT_EQ(api.Patch(kLabs + "/sel", R"({"metadata":{"labels":{"team":"red"}}})").status, 200);
  auto events = watch.WaitForEvents(3);
  ASSERT_GE(events.size(), 3u) << watch.body();
  EXPECT_EQ(events[2]["type"], "ADDED");
  for (const auto& e : watch.events()) EXPECT_EQ(e["object"]["metadata"]["name"], "sel");
}

TEST(WatchTest, FieldSelectorWatchesOneObject) {
  LabdProcess labd;
  Api api(labd.port());
  WatchReader watch(labd.port(), kLabs + "?watch=1&fieldSelector=metadata.name%3Done");
  api.MustCreate("labs", SampleLab("two"));
  api.MustCreate("labs", SampleLab("one"));
  auto events = watch.WaitForEvents(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["object"]["metadata"]["name"], "one");
  EXPECT_EQ(api.Get(kLabs + "?watch=1&fieldSelector=spec.provider%3Ddocker").status, 400);
}

TEST(WatchTest, BookmarksCarryTheCurrentRevision) {
  LabdProcess labd(LabdArgs({"--bookmark-interval", "1s"}));
  Api api(labd.port());
  uint64_t rv = Rv(api.MustCreate("labs", SampleLab("bm")));
  WatchReader watch(labd.port(),
                    kLabs + "?watch=1&allowWatchBookmarks=1&resourceVersion=" + std::to_string(rv));
  auto bookmark = watch.WaitFor([](const json& e) { return e["type"] == "BOOKMARK"; });
  ASSERT_TRUE(bookmark.has_value()) << watch.body();
  EXPECT_EQ((*bookmark)["object"]["kind"], "Lab");
  EXPECT_EQ((*bookmark)["object"]["apiVersion"], "labctl.dev/v1alpha1");
  EXPECT_GE(Rv((*bookmark)["object"]), rv);

  // Without allowWatchBookmarks none are sent, only keep-alive empty lines.
  WatchReader plain(labd.port(), kLabs + "?watch=1&resourceVersion=" + std::to_string(rv));
  plain.WaitFor([](const json&) { return false; }, std::chrono::seconds(3));
  EXPECT_TRUE(plain.events().empty()) << plain.body();
  EXPECT_GT(plain.keepalive_lines(), 0u);
}

TEST(WatchTest, TimeoutSecondsEndsTheStream) {
  LabdProcess labd;
  WatchReader watch(labd.port(), kLabs + "?watch=1&timeoutSeconds=1");
  EXPECT_TRUE(watch.WaitEnded(std::chrono::seconds(30)));
  EXPECT_EQ(watch.status(), 200);
}

TEST(WatchTest, CompactedResourceVersionIs410) {
  LabdProcess labd(LabdArgs({"--history-limit", "2"}));
  Api api(labd.port());
  uint64_t first = Rv(api.MustCreate("labs", SampleLab("c0")));
  for (int i = 1; i < 10; ++i) api.MustCreate("labs", SampleLab("c" + std::to_string(i)));
  // Compaction may run on the store's own schedule: wait for it (bounded).
  int status = 0;
  std::string body;
  for (int attempt = 0; attempt < 100 && status != 410; ++attempt) {
    Reply r = api.Get(kLabs + "?watch=1&timeoutSeconds=1&resourceVersion=" + std::to_string(first));
    status = r.status;
    body = r.body;
    if (status != 410) api.MustCreate("labs", SampleLab("more" + std::to_string(attempt)));
  }
  ASSERT_EQ(status, 410) << body;
  json st = json::parse(body);
  EXPECT_EQ(st["kind"], "Status");
  EXPECT_EQ(st["code"], 410);
}

TEST(WatchTest, BadWatchParametersAre400) {
  LabdProcess labd;
  Api api(labd.port());
  EXPECT_EQ(api.Get(kLabs + "?watch=1&resourceVersion=abc").status, 400);
  EXPECT_EQ(api.Get(kLabs + "?watch=1&timeoutSeconds=x").status, 400);
  EXPECT_EQ(api.Get(kLabs + "?watch=1&labelSelector=a%20in%20(").status, 400);
}

TEST(WatchTest, TwoHundredWatchersDoNotStarveRequests) {
  LabdProcess labd;
  Api api(labd.port());
  std::vector<std::unique_ptr<WatchReader>> watchers;
  for (int i = 0; i < 200; ++i)
    watchers.push_back(std::make_unique<WatchReader>(labd.port(), kLabs + "?watch=1"));
  testing::PollUntil([&] { return Metric(labd.port(), "labd_watchers_open") >= 200; });
  ASSERT_EQ(Metric(labd.port(), "labd_watchers_open"), 200);

  for (int i = 0; i < 20; ++i) {
    api.MustCreate("labs", SampleLab("busy" + std::to_string(i)));
    ASSERT_EQ(api.Get(kLabs + "/busy" + std::to_string(i)).status, 200);
  }
  for (auto& w : watchers) {
    auto events = w->WaitForEvents(20);
    EXPECT_EQ(events.size(), 20u);
  }
}

TEST(WatchTest, ClientThatGoesAwayReleasesItsWatch) {
  LabdProcess labd;
  {
    WatchReader watch(labd.port(), kLabs + "?watch=1");
    testing::PollUntil([&] { return Metric(labd.port(), "labd_watchers_open") >= 1; });
    ASSERT_EQ(Metric(labd.port(), "labd_watchers_open"), 1);
  }  // closes the connection
  EXPECT_TRUE(testing::PollUntil([&] { return Metric(labd.port(), "labd_watchers_open") == 0; }))
      << Metric(labd.port(), "labd_watchers_open") << " watchers still open";
}

}  // namespace
}  // namespace labctl::servertest
