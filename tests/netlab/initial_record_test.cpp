// Which nodes `netlab initial` configures again: all of them for a new uid, generation or node
// set; else the nodes whose container started anew and their veth peers; none when nothing
// changed.
#include "reconcilers/providers/netlab/initial_record.h"

#include <gtest/gtest.h>

namespace labctl::reconcilers {
namespace {

using Nodes = std::set<std::string>;

const InitialRecord kDone{"u1", 1, {{"a", "c1@t1"}, {"b", "c2@t1"}, {"c", "c3@t1"}}};
const std::vector<std::pair<std::string, std::string>> kChain = {{"a", "b"}, {"b", "c"}};

TEST(InitialRecordTest, NothingChangedConfiguresNothing) {
  EXPECT_EQ(NodesToConfigure(kDone, kDone, kChain), Nodes{});
}

TEST(InitialRecordTest, ARestartedNodeAndItsPeersAreConfiguredAgain) {
  InitialRecord now = kDone;
  now.nodes["a"] = "c1@t2";  // restarted: same container, new start
  EXPECT_EQ(NodesToConfigure(kDone, now, kChain), (Nodes{"a", "b"}));
  now.nodes["c"] = "c9@t3";  // re-created
  EXPECT_EQ(NodesToConfigure(kDone, now, kChain), (Nodes{"a", "b", "c"}));
}

TEST(InitialRecordTest, AnotherUidGenerationOrNodeSetConfiguresEverything) {
  EXPECT_EQ(NodesToConfigure(std::nullopt, kDone, kChain), std::nullopt);
  InitialRecord now = kDone;
  now.generation = 2;
  EXPECT_EQ(NodesToConfigure(kDone, now, kChain), std::nullopt);
  now = kDone;
  now.uid = "u2";
  EXPECT_EQ(NodesToConfigure(kDone, now, kChain), std::nullopt);
  now = kDone;
  now.nodes["d"] = "c4@t1";
  EXPECT_EQ(NodesToConfigure(kDone, now, kChain), std::nullopt);
  now = kDone;
  now.nodes.erase("c");
  EXPECT_EQ(NodesToConfigure(kDone, now, kChain), std::nullopt);
}

TEST(InitialRecordTest, RoundTripsThroughItsFile) {
  EXPECT_EQ(InitialRecord::FromJson(kDone.ToJson().dump()), kDone);
  EXPECT_EQ(InitialRecord::FromJson("not json"), std::nullopt);
  EXPECT_EQ(InitialRecord::FromJson("{}"), std::nullopt);
}

}  // namespace
}  // namespace labctl::reconcilers
