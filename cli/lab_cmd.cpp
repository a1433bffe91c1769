// labctl lab restart|recreate|stop|start|check|reset|collect and logs: lifecycle verbs over the
// API (collect and capture live in lab_tools_cmd.cpp, exec in exec_cmd.cpp).
//
// The verbs write annotations the Lab reconciler acts on (see docs/labs.md):
//   restart            labctl.dev/restartedAt=<now>    every container restarted once
//   recreate [--node]  labctl.dev/recreate=<now>[/N]   containers removed and created again
//   stop               labctl.dev/stopped=true         containers removed, phase Stopped
//   start              removes labctl.dev/stopped, sets spec.runPolicy=Always
//   reset              POST .../reset: network state back to the baseline (docs/networking.md)
#include <algorithm>
#include <iostream>
#include <map>
#include <optional>

#include "api/clock.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/lab_tools.h"

namespace labctl::cli {
namespace {

using api::json;

constexpr char kLabUsage[] =
    "Usage: labctl lab restart|recreate|stop|start|check|reset NAME [--node N]\n"
    "       labctl lab collect NAME -d DIR\n"
    "  restart   restart every container of the lab\n"
    "  recreate  remove and create the containers again (--node: only that node)\n"
    "  stop      remove the lab's containers and keep it down (phase Stopped)\n"
    "  start     bring a stopped lab up again and keep it up (runPolicy Always)\n"
    "  check     exit 1 listing each missing or unhealthy node with its last log lines\n"
    "  reset     return every node's network state to the declared baseline: NAT/firewall\n"
    "            rules restored, conntrack flushed, exec-started processes killed\n"
    "  collect   write every node's logs and inspect data and the lab's events into DIR\n";
constexpr char kLogsUsage[] = "Usage: labctl logs lab/NAME NODE [-f] [--tail N]\n";

std::string NowText() { return api::FormatTime(api::SystemClock::Instance().Now()); }

int PatchLab(const CliContext& ctx, const std::string& lab, const json& patch,
             const std::string& done) {
  auto client = ctx.NewClient();
  auto r = client->Patch(api::Kind::kLab, lab, patch);
  if (!r.ok()) {
    PrintError(r.status(), ObjectRef(api::Kind::kLab, lab));
    return kExitError;
  }
  std::cout << ObjectRef(api::Kind::kLab, lab) << " " << done << std::endl;
  return kExitOk;
}

std::string LastLogLines(client::Client& client, const std::string& lab, const std::string& node) {
  auto r = client.Request(
      "GET", LabPath(lab, "logs") + "?node=" + client::UrlEncode(node) + "&tailLines=5");
  if (!r.ok()) return "    (no logs: " + r.status().message() + ")\n";
  std::string text = r->is_string() ? r->get<std::string>() : (r->is_null() ? "" : r->dump());
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out += "    | " + text.substr(start, nl - start) + "\n";
    start = nl + 1;
  }
  return out;
}

int CheckLab(const CliContext& ctx, const std::string& lab) {
  auto client = ctx.NewClient();
  auto r = client->Get(api::Kind::kLab, lab);
  if (!r.ok()) {
    PrintError(r.status(), ObjectRef(api::Kind::kLab, lab));
    return kExitError;
  }
  const json status = r->value("status", json::object());
  std::map<std::string, json> reported;
  if (status.contains("nodes") && status["nodes"].is_array())
    for (const auto& n : status["nodes"]) reported[n.value("name", "")] = n;
  std::vector<std::string> skip;
  for (const auto& g : (*r)["spec"].value("skipGroups", json::array())) skip.push_back(g);
  int bad = 0, total = 0;
  for (const auto& node : (*r)["spec"].value("nodes", json::array())) {
    std::string name = node.value("name", "");
    if (std::find(skip.begin(), skip.end(), node.value("group", "")) != skip.end()) continue;
    ++total;
    auto it = reported.find(name);
    if (it != reported.end() && it->second.value("ready", false)) continue;
    ++bad;
    if (it == reported.end()) {
      std::cout << "node " << name << ": missing (not reported by the lab)\n";
      continue;
    }
    std::cout << "node " << name << ": " << it->second.value("state", "?") << ", not ready";
    std::string msg = it->second.value("message", "");
    if (!msg.empty()) std::cout << ": " << msg;
    std::cout << "\n" << LastLogLines(*client, lab, name);
  }
  if (bad > 0) {
    std::cout << ObjectRef(api::Kind::kLab, lab) << ": " << bad << "/" << total
              << " nodes missing or unhealthy (phase " << status.value("phase", "?") << ")\n";
    return kExitError;
  }
  std::cout << ObjectRef(api::Kind::kLab, lab) << ": all " << total << " nodes ready\n";
  return kExitOk;
}

int ResetLab(const CliContext& ctx, const std::string& lab) {
  client::Options o = ctx.options;
  o.timeout = std::max(o.timeout, std::chrono::milliseconds(std::chrono::minutes(5)));
  client::Client client(o);
  auto r = client.Post(LabPath(lab, "reset"), json::object());
  if (!r.ok()) {
    PrintError(r.status(), ObjectRef(api::Kind::kLab, lab));
    return kExitError;
  }
  for (const auto& n : r->value("nodes", json::array())) {
    std::cout << "node " << n.value("name", "?") << ": ";
    if (n.contains("skipped")) {
      std::cout << "skipped (" << n.value("skipped", "") << ")\n";
      continue;
    }
    std::cout << (n.value("rulesRestored", false) ? "rules restored" : "no baseline recorded")
              << ", conntrack flushed, " << n.value("processesKilled", 0)
              << " exec'd processes killed\n";
  }
  std::cout << ObjectRef(api::Kind::kLab, lab) << " reset" << std::endl;
  return kExitOk;
}

}  // namespace

int RunLab(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags({{"node", 0, true, "recreate: only this node"},
               {"dir", 'd', true, "collect: the directory to write into"}});
  const std::string usage = flags.Help(kLabUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  const auto& pos = flags.positional();
  if (pos.size() != 2) return UsageError("lab needs a verb and a lab name", usage);
  auto lab = LabName(pos[1]);
  if (!lab.ok()) return UsageError(lab.status().message(), usage);
  const std::string& verb = pos[0];
  if (verb == "restart")
    return PatchLab(ctx, *lab,
                    {{"metadata", {{"annotations", {{"labctl.dev/restartedAt", NowText()}}}}}},
                    "restarting");
  if (verb == "recreate") {
    std::string value = NowText();
    if (flags.Has("node")) value += "/" + flags.Get("node");
    return PatchLab(ctx, *lab, {{"metadata", {{"annotations", {{"labctl.dev/recreate", value}}}}}},
                    "recreating");
  }
  if (verb == "stop")
    return PatchLab(ctx, *lab, {{"metadata", {{"annotations", {{"labctl.dev/stopped", "true"}}}}}},
                    "stopping");
  if (verb == "start")
    return PatchLab(ctx, *lab,
                    {{"metadata", {{"annotations", {{"labctl.dev/stopped", nullptr}}}}},
                     {"spec", {{"runPolicy", "Always"}}}},
                    "starting");
  if (verb == "check") return CheckLab(ctx, *lab);
  if (verb == "reset") return ResetLab(ctx, *lab);
  if (verb == "collect") {
    if (!flags.Has("dir")) return UsageError("lab collect needs -d DIR", usage);
    return CollectLab(ctx, *lab, flags.Get("dir"));
  }
  return UsageError("unknown lab verb " + verb, usage);
}

int RunLogs(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags({{"follow", 'f', false, "keep printing new lines"},
               {"tail", 0, true, "only the last N lines"}});
  const std::string usage = flags.Help(kLogsUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  if (flags.positional().size() != 2) return UsageError("logs needs lab/NAME NODE", usage);
  auto lab = LabName(flags.positional()[0]);
  if (!lab.ok()) return UsageError(lab.status().message(), usage);
  std::string path = LabPath(*lab, "logs") + "?node=" + client::UrlEncode(flags.positional()[1]);
  if (flags.Has("follow")) path += "&follow=true";
  if (flags.Has("tail")) path += "&tailLines=" + client::UrlEncode(flags.Get("tail"));
  client::Options o = ctx.options;
  if (flags.Has("follow")) o.timeout = std::chrono::hours(24);
  client::Client client(o);
  auto st = client.StreamGet(path, [](std::string_view chunk) {
    std::cout.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    std::cout.flush();
    return static_cast<bool>(std::cout);
  });
  if (!st.ok()) {
    PrintError(st, ObjectRef(api::Kind::kLab, *lab));
    return kExitError;
  }
  return kExitOk;
}

}  // namespace labctl::cli
