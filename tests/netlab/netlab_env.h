// Test support for tests that run the real netlab CLI.
//
// The netlab program comes from LABCTL_NETLAB (the netlab executable or the folder holding it),
// else from PATH. Without netlab the tests skip, unless LABCTL_REQUIRE_NETLAB=1: then they
// fail. Each test gets its own scratch directory (removed afterwards) that also serves as
// netlab's HOME, so ~/.netlab/status.yaml of the machine is never touched.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "drivers/netlab/netlab_cli.h"
#include "support/test_skip.h"

namespace labctl::netlab::testing {

inline std::string FindNetlab() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("LABCTL_NETLAB"); env && *env) {
    fs::path p(env);
    if (fs::is_directory(p)) p /= "netlab";
    return ::access(p.c_str(), X_OK) == 0 ? p.string() : "";
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((dir + "/netlab").c_str(), X_OK) == 0) return dir + "/netlab";
  return "";
}

inline bool NetlabRequired() {
  const char* v = std::getenv("LABCTL_REQUIRE_NETLAB");
  return v && std::string(v) == "1";
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

inline void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

class NetlabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    program_ = FindNetlab();
    if (program_.empty()) {
      if (NetlabRequired())
        FAIL() << "netlab not found (LABCTL_NETLAB or PATH) and LABCTL_REQUIRE_NETLAB=1";
      LABCTL_SKIP() << "netlab not found: set LABCTL_NETLAB or put netlab on PATH";
    }
    char tmpl[] = "/tmp/labctl-netlab-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    scratch_ = tmpl;
    cli_ = NetlabCli({program_, std::chrono::seconds(120), scratch_});
  }
  void TearDown() override {
    if (!scratch_.empty()) std::filesystem::remove_all(scratch_);
  }

  // A lab directory named `name` (netlab names the lab after it) holding the test topology
  // tests/clab/data/netlab/<topology>/topology.yml.
  std::string LabDir(const std::string& name, const std::string& topology) {
    std::string dir = scratch_ + "/" + name;
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(
        std::string(LABCTL_SOURCE_DIR) + "/tests/clab/data/netlab/" + topology + "/topology.yml",
        dir + "/topology.yml");
    return dir;
  }

  std::string status_file() const { return scratch_ + "/.netlab/status.yaml"; }

  std::string program_;
  std::string scratch_;
  NetlabCli cli_;
};

}  // namespace labctl::netlab::testing
