// labctl wait KIND/NAME --for=condition=X[=S]|delete|jsonpath='{..}'=V [--timeout=30s]
// kubectl semantics (docs/cli.md, wait), driven by list+watch on the one object.
#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/list_watch.h"
#include "cli/util/duration.h"
#include "cli/util/wait_condition.h"

namespace labctl::cli {

namespace {

constexpr char kWaitUsage[] = R"(Usage: labctl wait KIND/NAME --for=CONDITION [--timeout=30s]

  --for=condition=Ready[=True]        a status condition (type and status case-insensitive;
                                      ignored while its observedGeneration is behind)
  --for=delete                        the object is gone (or replaced: its uid changed)
  --for=jsonpath='{.status.phase}'=Ready   a field's value (or, without =VALUE, its presence)
  --timeout=DURATION                  e.g. 90s, 5m, 1h (default 30s)

Prints "KIND/NAME condition met"; on timeout exits 1 with
"error: timed out waiting for the condition on KIND/NAME".
)";

struct WaitState {
  const WaitFor& wait_for;
  std::string uid;  // delete: the uid first seen
  bool met = false;
  api::Status failure;
};

bool OnList(WaitState& s, const std::vector<nlohmann::json>& items, bool relist,
            const std::string& ref) {
  if (s.wait_for.type == WaitFor::Type::kDelete) {
    if (items.empty() || (!s.uid.empty() && api::Uid(items.front()) != s.uid)) {
      s.met = true;
      return false;
    }
    if (s.uid.empty()) s.uid = api::Uid(items.front());
    return true;
  }
  if (items.empty()) {
    s.failure = api::Status::NotFound(relist ? "was deleted while waiting" : "not found");
    return false;
  }
  s.met = WaitConditionMet(s.wait_for, items.front());
  return !s.met;
}

bool OnEvent(WaitState& s, const std::string& type, const nlohmann::json& object) {
  if (s.wait_for.type == WaitFor::Type::kDelete) {
    s.met = type == "DELETED" || (!s.uid.empty() && api::Uid(object) != s.uid);
    return !s.met;
  }
  if (type == "DELETED") {
    s.failure = api::Status::NotFound("was deleted while waiting");
    return false;
  }
  s.met = WaitConditionMet(s.wait_for, object);
  return !s.met;
}

}  // namespace

int RunWait(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags({{"for", 0, true, "condition=TYPE[=STATUS] | delete | jsonpath='{...}'[=VALUE]"},
               {"timeout", 0, true, "how long to wait, e.g. 90s, 5m, 1h30m (default 30s)"}});
  const std::string usage = flags.Help(kWaitUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  size_t i = 0;
  auto target = ParseKindAndName(flags.positional(), i);
  if (!target.ok()) return UsageError(target.status().message(), usage);
  if (target->name.empty() || i != flags.positional().size())
    return UsageError("wait needs exactly one KIND/NAME", usage);
  if (!flags.Has("for")) return UsageError("wait needs --for", usage);
  auto wait_for = ParseWaitFor(flags.Get("for"));
  if (!wait_for.ok()) return UsageError(wait_for.status().message(), usage);
  auto timeout = ParseDuration(flags.Get("timeout", "30s"));
  if (!timeout.ok()) return UsageError(timeout.status().message(), usage);

  std::string ref = ObjectRef(target->kind, target->name);
  auto client = ctx.NewClient();
  WaitState state{*wait_for, "", false, {}};
  ListWatchOptions o{target->kind, target->name, "", std::chrono::steady_clock::now() + *timeout};
  ListWatchHandlers h;
  h.on_list = [&](const auto& items, bool relist) { return OnList(state, items, relist, ref); };
  h.on_event = [&](const auto& type, const auto& object) { return OnEvent(state, type, object); };
  auto st = ListAndWatch(*client, o, h);
  if (state.met) {
    std::cout << ref << " condition met" << std::endl;
    return kExitOk;
  }
  if (!state.failure.ok()) {
    PrintError(state.failure, ref);
    return kExitError;
  }
  if (st.code() == api::Code::kTimeout || st.ok()) {
    std::cerr << "error: timed out waiting for the condition on " << ref << "\n";
    return kExitError;
  }
  PrintError(st, ref);
  return kExitError;
}

}  // namespace labctl::cli
