// What `netlab create` depends on, read from a Lab: topology name (the facade's annotation),
// files (plain and the facade's nested ones), image settings, and the inputs hash that decides
// whether netlab runs again.
#include "reconcilers/providers/netlab/netlab_inputs.h"

#include <gtest/gtest.h>

namespace labctl::reconcilers {
namespace {

using api::json;

json NetlabLab() {
  return {{"metadata", {{"name", "n1"}}},
          {"spec",
           {{"provider", "netlab"},
            {"netlab",
             {{"topology", "nodes: [a, b]\n"},
              {"files", {{"extra.yml", "x: 1\n"}}},
              {"images", {{"linux", "labbox:latest"}, {"frr", "frr:local"}}}}}}}};
}

TEST(NetlabInputsTest, ReadsTopologyFilesAndImageSettings) {
  json lab = NetlabLab();
  lab["metadata"]["annotations"] = {{"labctl.dev/topology-file", "lab.yaml"},
                                    {"labctl.dev/netlab-files", R"({"configs/r1.cfg": "hi"})"}};
  auto inputs = ReadNetlabInputs(lab);
  ASSERT_TRUE(inputs.ok()) << inputs.status().ToString();
  EXPECT_EQ(inputs->topology_name, "lab.yaml");
  EXPECT_EQ(inputs->files.at("extra.yml"), "x: 1\n");
  EXPECT_EQ(inputs->files.at("configs/r1.cfg"), "hi");
  EXPECT_EQ(ImageSettings(*inputs),
            (std::vector<std::string>{"defaults.devices.frr.clab.image=frr:local",
                                      "defaults.devices.linux.clab.image=labbox:latest"}));
  EXPECT_EQ(ReadNetlabInputs(NetlabLab())->topology_name, "topology.yml");
}

TEST(NetlabInputsTest, RefusesPathsThatLeaveTheLabDirectory) {
  json lab = NetlabLab();
  lab["metadata"]["annotations"] = {{"labctl.dev/netlab-files", R"({"../x": "hi"})"}};
  auto inputs = ReadNetlabInputs(lab);
  ASSERT_FALSE(inputs.ok());
  EXPECT_EQ(inputs.status().code(), api::Code::kInvalid);
  lab = NetlabLab();
  lab["spec"]["netlab"].erase("topology");
  EXPECT_FALSE(ReadNetlabInputs(lab).ok());
}

TEST(NetlabInputsTest, HashChangesWithEveryInputAndOnlyWithThem) {
  auto inputs = *ReadNetlabInputs(NetlabLab());
  const auto settings = ImageSettings(inputs);
  const std::string base = InputsHash(inputs, 101, settings);
  EXPECT_EQ(InputsHash(*ReadNetlabInputs(NetlabLab()), 101, settings), base);
  EXPECT_NE(InputsHash(inputs, 102, settings), base);
  EXPECT_NE(InputsHash(inputs, 101, {}), base);
  auto changed = inputs;
  changed.topology += "# comment\n";
  EXPECT_NE(InputsHash(changed, 101, settings), base);
  changed = inputs;
  changed.files["extra.yml"] = "x: 2\n";
  EXPECT_NE(InputsHash(changed, 101, settings), base);
  // Moving bytes between a name and its content is a different input.
  changed = inputs;
  changed.files = {{"extra.ymlx", ": 1\n"}};
  EXPECT_NE(InputsHash(changed, 101, settings), base);
}

}  // namespace
}  // namespace labctl::reconcilers
