// RunProcess: runs a host tool (iptables, tc) from an argv array and collects its output.
//
// No shell is involved: arguments reach the program exactly as given, so names from a manifest
// cannot inject commands. The child inherits the calling thread's network namespace, so calling
// this inside Netns::Run() runs the tool in that namespace without nsenter. The program is
// looked up in PATH, then in /usr/sbin and /sbin (labd may run with a minimal PATH).
#pragma once

#include <string>
#include <vector>

#include "api/status.h"

namespace labctl::net {

struct ProcessOutput {
  int exit_code = 0;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

// Fails only if the program could not be started; a non-zero exit is in exit_code.
api::Result<ProcessOutput> RunProcess(const std::vector<std::string>& argv,
                                      const std::string& stdin_data = "");
// Like RunProcess, but a non-zero exit becomes an Internal status quoting argv and stderr.
api::Result<ProcessOutput> RunChecked(const std::vector<std::string>& argv,
                                      const std::string& stdin_data = "");

}  // namespace labctl::net
