// labctl session run|acquire|heartbeat|release (docs/sessions.md, docs/cli.md).
#include <cstdio>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/session_client.h"
#include "cli/session_run.h"
#include "cli/util/duration.h"

namespace labctl::cli {

namespace {

constexpr char kUsage[] =
    "usage:\n"
    "  labctl session run --lab L [--holder TEXT] [--heartbeat 10s] [--timeout 30m] -- CMD "
    "ARGS...\n"
    "  labctl session acquire [--lab L] [--holder TEXT] [--timeout 30m]\n"
    "  labctl session heartbeat NAME\n"
    "  labctl session release NAME\n";

int ParseDurationFlag(const Flags& flags, const char* name, std::chrono::milliseconds* out) {
  if (!flags.Has(name)) return kExitOk;
  auto d = ParseDuration(flags.Get(name));
  if (!d.ok()) return UsageError("--" + std::string(name) + ": " + d.status().message(), kUsage);
  *out = *d;
  return kExitOk;
}

int Run(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags({{"lab", 0, true, "the lab to hold"},
               {"holder", 0, true, "who holds it, shown in the queue"},
               {"heartbeat", 0, true, "heartbeat period (default 10s)"},
               {"timeout", 0, true, "how long to wait for the lab (default 30m)"}});
  const std::string usage = flags.Help(kUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  RunOptions options;
  options.lab = flags.Get("lab");
  options.holder = flags.Get("holder");
  options.command = flags.rest();
  if (options.command.empty()) return UsageError("a command after -- is required", usage);
  if (int rc = ParseDurationFlag(flags, "heartbeat", &options.heartbeat)) return rc;
  if (int rc = ParseDurationFlag(flags, "timeout", &options.timeout)) return rc;
  if (options.heartbeat.count() <= 0) return UsageError("--heartbeat must be positive", usage);
  return RunSessionCommand(ctx, options);
}

int Acquire(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags({{"lab", 0, true, "the lab to hold"},
               {"holder", 0, true, "who holds it, shown in the queue"},
               {"timeout", 0, true, "how long to wait for the lab (default 30m)"}});
  const std::string usage = flags.Help(kUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  std::chrono::milliseconds timeout = std::chrono::minutes(30);
  if (int rc = ParseDurationFlag(flags, "timeout", &timeout)) return rc;
  auto client = ctx.NewClient();
  auto name = CreateSession(*client, {flags.Get("lab"), flags.Get("holder")});
  if (!name.ok()) {
    PrintError(name.status(), "session");
    return kExitError;
  }
  WaitOptions wait;
  wait.need_lab_ready = flags.Has("lab");
  wait.deadline = std::chrono::steady_clock::now() + timeout;
  wait.show_progress = ctx.stderr_is_tty;
  api::Status active = WaitUntilActive(*client, *name, wait);
  if (!active.ok()) {
    // Best effort: the wait's error is what the user needs; a session left behind expires.
    (void)PostSessionAction(*client, *name, "release");
    PrintError(active, "session/" + *name);
    return kExitError;
  }
  std::printf("%s\n", name->c_str());
  return kExitOk;
}

int Action(const CliContext& ctx, const std::string& action, const std::vector<std::string>& args) {
  if (args.size() != 1) return UsageError("session " + action + " takes one NAME", kUsage);
  auto client = ctx.NewClient();
  api::Status done = PostSessionAction(*client, args[0], action);
  if (!done.ok()) {
    PrintError(done, "session/" + args[0]);
    return kExitError;
  }
  if (action == "release") std::printf("session/%s released\n", args[0].c_str());
  return kExitOk;
}

}  // namespace

int RunSession(const CliContext& ctx, const std::vector<std::string>& args) {
  if (args.empty()) return UsageError("missing session subcommand", kUsage);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  const std::string& verb = args[0];
  if (verb == "run") return Run(ctx, rest);
  if (verb == "acquire") return Acquire(ctx, rest);
  if (verb == "heartbeat" || verb == "release") return Action(ctx, verb, rest);
  if (verb == "-h" || verb == "--help") return std::fputs(kUsage, stdout), kExitOk;
  return UsageError("unknown session subcommand '" + verb + "'", kUsage);
}

}  // namespace labctl::cli
