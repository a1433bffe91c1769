// labctl commands. main.cpp resolves the global flags (--server, --token) into a CliContext and
// dispatches the first positional word to one Run* function. Each returns the process exit code:
// 0 ok, 1 error, 2 usage (session run: the command's own code).
//
// Each command group lives in its own file, named for the command: apply_cmd.cpp, get_cmd.cpp,
// session_cmd.cpp, lab_cmd.cpp (lab, logs), lab_tools_cmd.cpp (capture), ...
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "client/client.h"

namespace labctl::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

struct CliContext {
  client::Options options;  // server URL and token after --server/LABCTL_SERVER/config file
  bool stdout_is_tty = false;
  bool stderr_is_tty = false;
  // A fresh client for this context's server (one per command is plenty).
  std::unique_ptr<client::Client> NewClient() const {
    return std::make_unique<client::Client>(options);
  }
};

int RunApply(const CliContext& ctx, const std::vector<std::string>& args);
int RunGet(const CliContext& ctx, const std::vector<std::string>& args);
int RunDescribe(const CliContext& ctx, const std::vector<std::string>& args);
int RunDelete(const CliContext& ctx, const std::vector<std::string>& args);
int RunDiff(const CliContext& ctx, const std::vector<std::string>& args);
int RunWait(const CliContext& ctx, const std::vector<std::string>& args);
int RunVersion(const CliContext& ctx, const std::vector<std::string>& args);

// Sessions engineer (cli/session_cmd.cpp): session run|acquire|heartbeat|release.
int RunSession(const CliContext& ctx, const std::vector<std::string>& args);
// Docker engineer (cli/lab_cmd.cpp).
int RunLab(const CliContext& ctx, const std::vector<std::string>& args);
int RunExec(const CliContext& ctx, const std::vector<std::string>& args);
int RunLogs(const CliContext& ctx, const std::vector<std::string>& args);
int RunDoctor(const CliContext& ctx, const std::vector<std::string>& args);
int RunCapture(const CliContext& ctx, const std::vector<std::string>& args);
int RunGraph(const CliContext& ctx, const std::vector<std::string>& args);
int RunCompletion(const CliContext& ctx, const std::vector<std::string>& args);

}  // namespace labctl::cli
