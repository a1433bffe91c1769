// Shared by the containerlab model tests: resolving a topology text with a fixed file path.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "api/lab_spec.h"
#include "api/object.h"
#include "reconcilers/providers/containerlab/topology.h"

namespace labctl::clab::testing {

inline constexpr const char* kTopoFile = "/labs/demo/clab.yml";
inline constexpr char kLabsDir[] = "/var/lib/labd/labs";

// A Lab of provider containerlab with this topology.
inline api::json ClabLabObject(const std::string& name, const std::string& topology) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Lab"},
          {"metadata", {{"name", name}, {"uid", "u-1"}, {"generation", 3}}},
          {"spec", {{"provider", "containerlab"}, {"containerlab", {{"topology", topology}}}}}};
}

inline Topology MustResolve(const std::string& yaml, const std::string& file = kTopoFile) {
  auto topo = ParseTopology(yaml, {file, ""});
  EXPECT_TRUE(topo.ok()) << topo.status().ToString();
  return topo.ok() ? *topo : Topology{};
}

// The causes of a topology that must not resolve.
inline std::vector<api::Cause> ResolveCauses(const std::string& yaml) {
  auto topo = ParseTopology(yaml, {kTopoFile, ""});
  EXPECT_FALSE(topo.ok()) << "resolved: " << yaml;
  if (topo.ok()) return {};
  EXPECT_EQ(topo.status().code(), api::Code::kInvalid) << topo.status().ToString();
  return topo.status().causes();
}

inline auto CauseAt(const std::string& field, const std::string& message_part) {
  return ::testing::Contains(
      ::testing::AllOf(::testing::Field(&api::Cause::field, field),
                       ::testing::Field(&api::Cause::message, ::testing::HasSubstr(message_part))));
}

inline std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(LABCTL_SOURCE_DIR) + "/" + relative);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace labctl::clab::testing
