// LabdFlags: labd's command line (docs/api.md, labd flags) and its defaults.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "api/status.h"

namespace labctl::server {

struct LabdFlags {
  std::string listen_host = "127.0.0.1";
  int listen_port = 7450;
  std::string data_dir;  // default: /var/lib/labctl as root, else ~/.local/state/labctl
  std::string docker_host = "unix:///var/run/docker.sock";
  int slots = 1;
  std::string tokens_file;
  std::string log_level = "info";
  size_t history_limit = 100'000;
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(60)};
  int max_watchers = 1024;
  std::string synchronous = "NORMAL";
  // Orphan sweep at start: only labs named with this prefix (tests sharing one dockerd).
  std::string orphan_lab_prefix;
  bool neops_facade = true;    // serve the Neops Remote Lab API at the root
  bool lab_controller = true;  // false: API and sessions only (labs are never realised)
  bool help = false;
  bool version = false;
};

// BadRequest with a one-line reason on unknown flags or bad values (labd then exits 2).
api::Result<LabdFlags> ParseLabdFlags(const std::vector<std::string>& args);
std::string LabdUsage();
std::string DefaultDataDir();

}  // namespace labctl::server
