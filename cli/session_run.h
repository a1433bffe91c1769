// `labctl session run`: queue, wait for Active (+LabReady), run a command with LABCTL_SESSION and
// LABCTL_LAB exported while heartbeating, release on every way out, return the command's exit
// code. SIGINT/SIGTERM are forwarded to the command (or end the wait), then the session is
// released.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace labctl::cli {

struct RunOptions {
  std::string lab;
  std::string holder;
  std::chrono::milliseconds heartbeat{std::chrono::seconds(10)};
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};  // wait for Active (+LabReady)
  std::vector<std::string> command;
};

int RunSessionCommand(const CliContext& ctx, const RunOptions& options);

}  // namespace labctl::cli
