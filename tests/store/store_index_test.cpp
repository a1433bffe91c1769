// Secondary indexes (Store::AddIndex): objects filed by a key computed from them, refiled on
// every write and delete, agreeing with Get after each; ranges, counts and the first key.
#include <gtest/gtest.h>

#include "store/store.h"
#include "store_test_env.h"

namespace labctl::store {
namespace {

using testing::Lab;
using testing::OpenOrDie;
using testing::TempDir;

// Labs filed by status.phase, "phase/<phase>"; without a phase they are left out.
std::optional<std::string> PhaseKey(const json& lab) {
  std::string phase = lab.value("/status/phase"_json_pointer, std::string());
  if (phase.empty()) return std::nullopt;
  return "phase/" + phase;
}

std::vector<std::string> Names(const SharedList& list) {
  std::vector<std::string> names;
  for (const auto& o : list.items) names.push_back(api::Name(*o));
  return names;
}

class StoreIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_.path());
    ASSERT_NE(store_, nullptr);
  }
  void SetPhase(const std::string& name, const std::string& phase) {
    auto got = store_->Get(Kind::kLab, name);
    ASSERT_TRUE(got.ok());
    (*got)["status"]["phase"] = phase;
    ASSERT_TRUE(store_->UpdateStatus(Kind::kLab, *got).ok());
  }
  std::vector<std::string> Filed(const IndexRange& range) {
    return Names(store_->ListIndexed(Kind::kLab, "phase", range));
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreIndexTest, FilesExistingObjectsAndRefilesOnEveryWrite) {
  ASSERT_TRUE(store_->Create(Kind::kLab, Lab("a")).ok());
  ASSERT_TRUE(store_->Create(Kind::kLab, Lab("b")).ok());
  SetPhase("a", "Ready");
  store_->AddIndex({Kind::kLab, "phase", PhaseKey});  // after "a" got its phase
  EXPECT_EQ(Filed(IndexRange::Exactly("phase/Ready")), std::vector<std::string>{"a"});

  SetPhase("b", "Ready");
  EXPECT_EQ(Filed(IndexRange::Exactly("phase/Ready")), (std::vector<std::string>{"a", "b"}));
  SetPhase("a", "Failed");  // moves: no longer under its old key
  EXPECT_EQ(Filed(IndexRange::Exactly("phase/Ready")), std::vector<std::string>{"b"});
  EXPECT_EQ(Filed(IndexRange::Prefix("phase/")), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(store_->CountIndexed(Kind::kLab, "phase", IndexRange::Prefix("phase/")), 2u);
  EXPECT_EQ(store_->FirstIndexKey(Kind::kLab, "phase", ""), "phase/Failed");
  EXPECT_EQ(store_->FirstIndexKey(Kind::kLab, "phase", "phase/G"), "phase/Ready");
  EXPECT_EQ(store_->FirstIndexKey(Kind::kLab, "phase", "phase/S"), std::nullopt);

  ASSERT_TRUE(store_->Delete(Kind::kLab, "b", std::nullopt).ok());
  EXPECT_TRUE(Filed(IndexRange::Exactly("phase/Ready")).empty());
  // What it hands out is the object as Get has it.
  auto listed = store_->ListIndexed(Kind::kLab, "phase", IndexRange::Prefix("phase/"));
  ASSERT_EQ(listed.items.size(), 1u);
  EXPECT_EQ(*listed.items[0], *store_->Get(Kind::kLab, "a"));
  EXPECT_EQ(listed.revision, store_->Revision());
}

TEST_F(StoreIndexTest, UnknownIndexListsNothingAndAddingTwiceIsANoOp) {
  ASSERT_TRUE(store_->Create(Kind::kLab, Lab("a")).ok());
  SetPhase("a", "Ready");
  EXPECT_TRUE(Filed(IndexRange::Prefix("")).empty());
  store_->AddIndex({Kind::kLab, "phase", PhaseKey});
  store_->AddIndex({Kind::kLab, "phase", [](const json&) { return std::optional<std::string>(); }});
  EXPECT_EQ(Filed(IndexRange::Prefix("")), std::vector<std::string>{"a"});
}

TEST_F(StoreIndexTest, IndexesAreRebuiltOnReopen) {
  store_->AddIndex({Kind::kLab, "phase", PhaseKey});
  ASSERT_TRUE(store_->Create(Kind::kLab, Lab("a")).ok());
  SetPhase("a", "Ready");
  store_.reset();
  store_ = OpenOrDie(dir_.path());
  store_->AddIndex({Kind::kLab, "phase", PhaseKey});
  EXPECT_EQ(Filed(IndexRange::Exactly("phase/Ready")), std::vector<std::string>{"a"});
}

TEST_F(StoreIndexTest, CreateWithStatusAndReplaceWriteStatusInOneRevision) {
  json lab = Lab("a");
  lab["status"] = {{"phase", "Ready"}};
  uint64_t before = store_->Revision();
  auto created = store_->CreateWithStatus(Kind::kLab, lab);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ((*created)["status"]["phase"], "Ready");
  EXPECT_EQ(store_->Revision(), before + 1);

  json next = *created;
  next["metadata"]["labels"] = {{"x", "y"}};
  next["status"] = {{"phase", "Failed"}};
  auto replaced = store_->Replace(Kind::kLab, next);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(store_->Revision(), before + 2);
  auto got = store_->Get(Kind::kLab, "a");
  EXPECT_EQ((*got)["status"]["phase"], "Failed");
  EXPECT_EQ((*got)["metadata"]["labels"]["x"], "y");
}

}  // namespace
}  // namespace labctl::store
