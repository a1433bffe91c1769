// labctl delete KIND NAME... | KIND/NAME... | -f FILE [--wait] [--timeout=5m] [--ignore-not-found]
#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/list_watch.h"
#include "cli/manifests.h"
#include "cli/util/duration.h"

namespace labctl::cli {

namespace {

constexpr char kDeleteUsage[] =
    R"(Usage: labctl delete KIND NAME... | KIND/NAME... | -f FILE|DIR|- [flags]
)";

struct Target {
  api::Kind kind;
  std::string name;
};

api::Result<std::vector<Target>> TargetsFromArgs(const std::vector<std::string>& pos) {
  std::vector<Target> out;
  if (pos.empty()) return out;
  if (pos.front().find('/') != std::string::npos) {
    for (const auto& p : pos) {
      size_t i = 0;
      auto kn = ParseKindAndName({p}, i);
      if (!kn.ok()) return kn.status();
      if (kn->name.empty()) return api::Status::BadRequest("missing NAME in " + p);
      out.push_back({kn->kind, kn->name});
    }
    return out;
  }
  auto kind = ParseKindArg(pos.front());
  if (!kind.ok()) return kind.status();
  if (pos.size() < 2) return api::Status::BadRequest("delete needs a NAME");
  for (size_t i = 1; i < pos.size(); ++i) out.push_back({*kind, pos[i]});
  return out;
}

// Waits (by watch) until the object is gone or was replaced by one with another uid.
api::Status WaitGone(client::Client& c, const Target& t, std::chrono::milliseconds timeout) {
  std::string uid;
  bool gone = false;
  ListWatchOptions o{t.kind, t.name, "", std::chrono::steady_clock::now() + timeout};
  ListWatchHandlers h;
  h.on_list = [&](const std::vector<nlohmann::json>& items, bool) {
    gone = items.empty() || (!uid.empty() && api::Uid(items.front()) != uid);
    if (!gone && uid.empty()) uid = api::Uid(items.front());
    return !gone;
  };
  h.on_event = [&](const std::string& type, const nlohmann::json& object) {
    gone = type == "DELETED" || api::Uid(object) != uid;
    return !gone;
  };
  auto st = ListAndWatch(c, o, h);
  if (gone) return api::Status::Ok();
  if (st.ok() || st.code() == api::Code::kTimeout)
    return api::Status::Timeout("timed out waiting for the deletion");
  return st;
}

}  // namespace

int RunDelete(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags({{"filename", 'f', true, "delete the objects named in these manifests"},
               {"wait", 0, false, "wait until the objects are gone (finalizers done)"},
               {"timeout", 0, true, "how long --wait waits (default 5m)"},
               {"ignore-not-found", 0, false, "treat a missing object as deleted"}});
  const std::string usage = flags.Help(kDeleteUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  auto timeout = ParseDuration(flags.Get("timeout", "5m"));
  if (!timeout.ok()) return UsageError(timeout.status().message(), usage);
  auto targets = TargetsFromArgs(flags.positional());
  if (!targets.ok()) return UsageError(targets.status().message(), usage);
  bool ok = true;
  for (const auto& path : flags.GetAll("filename")) {
    auto docs = ReadManifests(path);
    if (!docs.ok()) {
      PrintError(docs.status());
      ok = false;
      continue;
    }
    for (const auto& d : *docs) {
      if (d.error.ok())
        targets->push_back({d.kind, api::Name(d.object)});
      else
        PrintError(d.error), ok = false;
    }
  }
  if (targets->empty() && ok) return UsageError("nothing to delete", usage);
  auto client = ctx.NewClient();
  for (const auto& t : *targets) {
    std::string ref = ObjectRef(t.kind, t.name);
    auto res = client->Delete(t.kind, t.name);
    if (!res.ok()) {
      if (res.status().code() == api::Code::kNotFound && flags.Has("ignore-not-found")) continue;
      PrintError(res.status(), ref);
      ok = false;
      continue;
    }
    if (flags.Has("wait")) {
      if (auto st = WaitGone(*client, t, *timeout); !st.ok()) {
        PrintError(st, ref);
        ok = false;
        continue;
      }
    }
    std::cout << ref << " deleted" << std::endl;
  }
  return ok ? kExitOk : kExitError;
}

}  // namespace labctl::cli
