// Create/Get/List/Update/UpdateStatus/Delete semantics against a real SQLite file.
#include <gtest/gtest.h>

#include "store/store.h"
#include "store_test_env.h"

namespace labctl::store {
namespace {

using testing::Lab;
using testing::OpenOrDie;
using testing::Rv;
using testing::TempDir;

class StoreCrudTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Options o;
    o.data_dir = dir_.path();
    o.clock = &clock_;
    store_ = OpenOrDie(o);
    ASSERT_NE(store_, nullptr);
  }
  TempDir dir_;
  api::FakeClock clock_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreCrudTest, CreateSetsServerMetadataAndDropsStatus) {
  json in = Lab("natlab");
  in["status"] = {{"phase", "Ready"}};
  in["metadata"]["uid"] = "forged";
  in["metadata"]["resourceVersion"] = "999";
  auto created = store_->Create(Kind::kLab, in);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const json& o = *created;
  EXPECT_EQ(o["apiVersion"], "labctl.dev/v1alpha1");
  EXPECT_EQ(o["kind"], "Lab");
  EXPECT_EQ(api::Name(o), "natlab");
  EXPECT_EQ(api::Uid(o).size(), 36u);
  EXPECT_EQ(api::Uid(o)[14], '4');
  EXPECT_NE(api::Uid(o), "forged");
  EXPECT_EQ(Rv(o), 1u);
  EXPECT_EQ(api::Generation(o), 1);
  EXPECT_EQ(o["metadata"]["creationTimestamp"], api::FormatTime(clock_.Now()));
  EXPECT_EQ(o["status"], json::object());
  EXPECT_EQ(o["spec"]["provider"], "docker");
  EXPECT_EQ(store_->Revision(), 1u);

  auto got = store_->Get(Kind::kLab, "natlab");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, o);
}

TEST_F(StoreCrudTest, CreateExistingNameIsAlreadyExists) {
  ASSERT_TRUE(store_->Create(Kind::kLab, Lab("a")).ok());
  auto again = store_->Create(Kind::kLab, Lab("a"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().reason(), "AlreadyExists");
  EXPECT_EQ(again.status().http_code(), 409);
  EXPECT_EQ(store_->Revision(), 1u);
  // Same name, other kind: fine.
  EXPECT_TRUE(store_->Create(Kind::kSession, Lab("a")).ok());
}

TEST_F(StoreCrudTest, CreateWithoutNameIsInvalid) {
  json in = Lab("");
  auto r = store_->Create(Kind::kLab, in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().http_code(), 422);
}

TEST_F(StoreCrudTest, GenerateNameAppendsFiveRandomChars) {
  std::set<std::string> names;
  for (int i = 0; i < 20; ++i) {
    json in = Lab("");
    in["metadata"].erase("name");
    in["metadata"]["generateName"] = "sess-";
    auto r = store_->Create(Kind::kSession, in);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::string name = api::Name(*r);
    ASSERT_EQ(name.size(), 10u) << name;
    EXPECT_EQ(name.substr(0, 5), "sess-");
    for (char c : name.substr(5)) EXPECT_TRUE(std::islower(c) || std::isdigit(c)) << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), 20u);
}

TEST_F(StoreCrudTest, GetAndDeleteMissingAreNotFound) {
  auto got = store_->Get(Kind::kLab, "nope");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), api::Code::kNotFound);
  EXPECT_EQ(got.status().message(), "labs \"nope\" not found");
  EXPECT_EQ(store_->Delete(Kind::kLab, "nope").status().code(), api::Code::kNotFound);
  EXPECT_EQ(store_->Update(Kind::kLab, Lab("nope")).status().code(), api::Code::kNotFound);
  EXPECT_EQ(store_->UpdateStatus(Kind::kLab, Lab("nope")).status().code(), api::Code::kNotFound);
}

TEST_F(StoreCrudTest, ListIsSortedFilteredLimitedAndReportsRevision) {
  for (std::string n : {"c", "a", "d", "b"})
    ASSERT_TRUE(store_->Create(Kind::kLab, Lab(n, {}, {{"team", n < "c" ? "x" : "y"}})).ok());
  ASSERT_TRUE(store_->Create(Kind::kSession, Lab("s")).ok());
  ListResult all = store_->List(Kind::kLab);
  ASSERT_EQ(all.items.size(), 4u);
  EXPECT_EQ(api::Name(all.items[0]), "a");
  EXPECT_EQ(api::Name(all.items[3]), "d");
  EXPECT_EQ(all.revision, 5u);

  auto sel = api::ParseSelector("team=y");
  ASSERT_TRUE(sel.ok());
  ListResult ys = store_->List(Kind::kLab, *sel);
  ASSERT_EQ(ys.items.size(), 2u);
  EXPECT_EQ(api::Name(ys.items[0]), "c");
  EXPECT_EQ(api::Name(ys.items[1]), "d");

  ListResult two = store_->List(Kind::kLab, {}, 2);
  ASSERT_EQ(two.items.size(), 2u);
  EXPECT_EQ(api::Name(two.items[1]), "b");
}

TEST_F(StoreCrudTest, UpdateBumpsGenerationOnlyWhenSpecChanges) {
  json o = *store_->Create(Kind::kLab, Lab("a"));
  o["metadata"]["labels"] = {{"k", "v"}};
  auto labelled = store_->Update(Kind::kLab, o);
  ASSERT_TRUE(labelled.ok()) << labelled.status().ToString();
  EXPECT_EQ(api::Generation(*labelled), 1);
  EXPECT_EQ(Rv(*labelled), 2u);
  EXPECT_EQ((*labelled)["metadata"]["labels"]["k"], "v");

  json next = *labelled;
  next["spec"]["provider"] = "netlab";
  auto respec = store_->Update(Kind::kLab, next);
  ASSERT_TRUE(respec.ok());
  EXPECT_EQ(api::Generation(*respec), 2);
  EXPECT_EQ(Rv(*respec), 3u);
  EXPECT_EQ(api::Uid(*respec), api::Uid(o));
  EXPECT_EQ((*respec)["metadata"]["creationTimestamp"], o["metadata"]["creationTimestamp"]);
}

TEST_F(StoreCrudTest, UpdateIgnoresStatusAndServerMetadata) {
  json o = *store_->Create(Kind::kLab, Lab("a"));
  json in = o;
  in["status"] = {{"phase", "Hacked"}};
  in["metadata"]["generation"] = 42;
  in["metadata"]["creationTimestamp"] = "2000-01-01T00:00:00Z";
  in["spec"]["x"] = 1;
  auto r = store_->Update(Kind::kLab, in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["status"], json::object());
  EXPECT_EQ(api::Generation(*r), 2);
  EXPECT_EQ((*r)["metadata"]["creationTimestamp"], o["metadata"]["creationTimestamp"]);
}

TEST_F(StoreCrudTest, StaleResourceVersionOrUidIsConflict) {
  json v1 = *store_->Create(Kind::kLab, Lab("a"));
  json v2 = v1;
  v2["spec"]["x"] = 1;
  ASSERT_TRUE(store_->Update(Kind::kLab, v2).ok());

  v1["spec"]["x"] = 2;  // still carries resourceVersion 1
  auto stale = store_->Update(Kind::kLab, v1);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().reason(), "Conflict");
  EXPECT_EQ(store_->UpdateStatus(Kind::kLab, v1).status().reason(), "Conflict");

  json wrong_uid = *store_->Get(Kind::kLab, "a");
  wrong_uid["metadata"]["uid"] = "00000000-0000-4000-8000-000000000000";
  wrong_uid["spec"]["x"] = 3;
  EXPECT_EQ(store_->Update(Kind::kLab, wrong_uid).status().reason(), "Conflict");
  EXPECT_EQ(store_->Delete(Kind::kLab, "a", std::string("not-the-uid")).status().reason(),
            "Conflict");

  // Without resourceVersion the write is unconditional.
  json blind = Lab("a", {{"x", 4}});
  auto r = store_->Update(Kind::kLab, blind);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["spec"]["x"], 4);
}

TEST_F(StoreCrudTest, UpdateStatusReplacesOnlyStatusAndNeverBumpsGeneration) {
  json o = *store_->Create(Kind::kLab, Lab("a"));
  json in = o;
  in["spec"]["provider"] = "ignored";
  in["status"] = {{"observedGeneration", 1}, {"phase", "Ready"}};
  auto r = store_->UpdateStatus(Kind::kLab, in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["status"]["phase"], "Ready");
  EXPECT_EQ((*r)["spec"]["provider"], "docker");
  EXPECT_EQ(api::Generation(*r), 1);
  EXPECT_EQ(Rv(*r), 2u);

  json spec_update = *r;
  spec_update["status"] = json::object();  // ignored by Update
  spec_update["metadata"]["labels"] = {{"a", "b"}};
  auto u = store_->Update(Kind::kLab, spec_update);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ((*u)["status"]["phase"], "Ready");
}

TEST_F(StoreCrudTest, NoOpWritesCommitNothing) {
  json o = *store_->Create(Kind::kLab, Lab("a", {{"provider", "docker"}}, {{"k", "v"}}));
  o["status"] = {{"phase", "Ready"}};
  o = *store_->UpdateStatus(Kind::kLab, o);
  uint64_t rev = store_->Revision();

  auto same = store_->Update(Kind::kLab, o);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, o);
  auto same_status = store_->UpdateStatus(Kind::kLab, o);
  ASSERT_TRUE(same_status.ok());
  EXPECT_EQ(*same_status, o);
  // Empty labels/finalizers spelled out are the same as absent ones.
  json spelled = o;
  spelled["metadata"]["finalizers"] = json::array();
  spelled["metadata"]["annotations"] = json::object();
  EXPECT_TRUE(store_->Update(Kind::kLab, spelled).ok());
  EXPECT_EQ(store_->Revision(), rev);
}

TEST_F(StoreCrudTest, DeleteWithoutFinalizersRemovesAndReturnsLastState) {
  json o = *store_->Create(Kind::kLab, Lab("a"));
  auto d = store_->Delete(Kind::kLab, "a", api::Uid(o));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(api::Name(*d), "a");
  EXPECT_EQ(Rv(*d), 2u);
  EXPECT_EQ(store_->Get(Kind::kLab, "a").status().code(), api::Code::kNotFound);
  EXPECT_TRUE(store_->List(Kind::kLab).items.empty());
  // The name can be reused; the new object has a new uid.
  json again = *store_->Create(Kind::kLab, Lab("a"));
  EXPECT_NE(api::Uid(again), api::Uid(o));
}

TEST_F(StoreCrudTest, FinalizersDelayDeletionUntilRemoved) {
  json in = Lab("a");
  in["metadata"]["finalizers"] = {api::kTeardownFinalizer};
  json o = *store_->Create(Kind::kLab, in);

  clock_.Advance(std::chrono::seconds(5));
  auto marked = store_->Delete(Kind::kLab, "a");
  ASSERT_TRUE(marked.ok());
  EXPECT_TRUE(api::IsBeingDeleted(*marked));
  EXPECT_EQ((*marked)["metadata"]["deletionTimestamp"], api::FormatTime(clock_.Now()));
  EXPECT_TRUE(store_->Get(Kind::kLab, "a").ok());

  // A second delete changes nothing (deletionTimestamp is set once).
  uint64_t rev = store_->Revision();
  clock_.Advance(std::chrono::seconds(5));
  auto again = store_->Delete(Kind::kLab, "a");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)["metadata"]["deletionTimestamp"], (*marked)["metadata"]["deletionTimestamp"]);
  EXPECT_EQ(store_->Revision(), rev);

  // Status writes still work while being deleted.
  json with_status = *marked;
  with_status["status"] = {{"phase", "TearingDown"}};
  ASSERT_TRUE(store_->UpdateStatus(Kind::kLab, with_status).ok());

  json cleared = *store_->Get(Kind::kLab, "a");
  cleared["metadata"]["finalizers"] = json::array();
  auto removed = store_->Update(Kind::kLab, cleared);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ((*removed)["status"]["phase"], "TearingDown");
  EXPECT_EQ(store_->Get(Kind::kLab, "a").status().code(), api::Code::kNotFound);
}

TEST_F(StoreCrudTest, EventsKeepTheirTopLevelFields) {
  json ev = {{"metadata", {{"name", "lab-a.1"}}},
             {"involvedObject", {{"kind", "Lab"}, {"name", "a"}}},
             {"reason", "Started"},
             {"count", 1}};
  json o = *store_->Create(Kind::kEvent, ev);
  EXPECT_EQ(o["kind"], "Event");
  EXPECT_EQ(o["reason"], "Started");
  EXPECT_FALSE(o.contains("status"));
  o["count"] = 2;
  auto u = store_->Update(Kind::kEvent, o);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ((*u)["count"], 2);
  EXPECT_EQ((*u)["involvedObject"]["name"], "a");
}

// A write the writer thread cannot serialize (here a string that is not UTF-8, which
// nlohmann::json refuses to dump) used to throw out of the writer thread and abort the process.
// It must fail alone, with Internal, while the writes batched with it commit.
TEST_F(StoreCrudTest, AWriteThatThrowsFailsAloneAndTheStoreGoesOn) {
  json a = *store_->Create(Kind::kLab, Lab("a"));
  json b = *store_->Create(Kind::kLab, Lab("b"));
  json c = *store_->Create(Kind::kLab, Lab("c"));
  const uint64_t before = store_->Revision();

  json bad_create = Lab("bad");
  bad_create["metadata"]["annotations"] = {{"note", "\xc3\x28"}};
  auto created = store_->Create(Kind::kLab, bad_create);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), api::Code::kInternal) << created.status().ToString();
  EXPECT_EQ(store_->Get(Kind::kLab, "bad").status().code(), api::Code::kNotFound);
  EXPECT_EQ(store_->Revision(), before);

  // UpdateStatuses hands the three to the writer at once: they share one batch.
  a["status"] = {{"phase", "Ready"}};
  b["status"] = {{"phase", "\xff"}};
  c["status"] = {{"phase", "Ready"}};
  auto results = store_->UpdateStatuses(Kind::kLab, {a, b, c});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok()) << results[0].status().ToString();
  EXPECT_EQ(results[1].status().code(), api::Code::kInternal);
  EXPECT_TRUE(results[2].ok()) << results[2].status().ToString();
  EXPECT_EQ((*store_->Get(Kind::kLab, "a"))["status"]["phase"], "Ready");
  EXPECT_EQ((*store_->Get(Kind::kLab, "c"))["status"]["phase"], "Ready");
  EXPECT_FALSE((*store_->Get(Kind::kLab, "b"))["status"].contains("phase"));
  EXPECT_EQ(store_->Revision(), before + 2);

  // The writer thread is alive and the store keeps working.
  EXPECT_TRUE(store_->Create(Kind::kLab, Lab("d")).ok());
  EXPECT_EQ(store_->Revision(), before + 3);
}

}  // namespace
}  // namespace labctl::store
