// labctl get KIND [NAME...] [-o FORMAT] [-l SELECTOR] [-w] [--watch-only]
#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/list_watch.h"
#include "cli/util/printers.h"

namespace labctl::cli {

namespace {

constexpr char kGetUsage[] = R"(Usage: labctl get KIND [NAME...] [flags]

KIND is labs, sessions, events or hosts (also lab, session, sess, event, ev, host).
)";

api::TimePoint Now() { return api::SystemClock::Instance().Now(); }

int GetNamed(client::Client& c, api::Kind kind, const std::vector<std::string>& names,
             const OutputFormat& format) {
  std::vector<nlohmann::json> items;
  bool ok = true;
  for (const auto& name : names) {
    auto o = c.Get(kind, name);
    if (!o.ok()) {
      PrintError(o.status());
      ok = false;
      continue;
    }
    items.push_back(*o);
  }
  if (!items.empty() || format.type == OutputFormat::Type::kJson ||
      format.type == OutputFormat::Type::kYaml)
    std::cout << RenderObjects(kind, items, names.size() == 1, format, Now()) << std::flush;
  return ok ? kExitOk : kExitError;
}

int GetList(client::Client& c, api::Kind kind, const std::string& selector,
            const OutputFormat& format) {
  auto list = c.List(kind, selector);
  if (!list.ok()) {
    PrintError(list.status());
    return kExitError;
  }
  std::vector<nlohmann::json> items;
  if (list->contains("items") && (*list)["items"].is_array())
    items = (*list)["items"].get<std::vector<nlohmann::json>>();
  if (items.empty() && format.IsTable()) {
    std::cerr << "No resources found\n";
    return kExitOk;
  }
  std::cout << RenderObjects(kind, items, false, format, Now()) << std::flush;
  return kExitOk;
}

int Watch(client::Client& c, api::Kind kind, const std::string& name, const std::string& selector,
          const OutputFormat& format, bool watch_only) {
  Table header = NewTable(kind, format.type == OutputFormat::Type::kWide);
  bool printed_header = false;
  auto print_header = [&] {
    if (format.IsTable() && !printed_header) {
      std::cout << header.Render();
      printed_header = true;
    }
  };
  ListWatchOptions o{kind, name, selector, std::nullopt};
  ListWatchHandlers h;
  h.on_list = [&](const std::vector<nlohmann::json>& items, bool relist) {
    if (watch_only && !relist) return true;
    if (!items.empty()) print_header();
    for (const auto& item : items)
      std::cout << RenderWatchObject(kind, item, format, header, Now());
    std::cout << std::flush;
    return true;
  };
  h.on_event = [&](const std::string&, const nlohmann::json& object) {
    print_header();
    std::cout << RenderWatchObject(kind, object, format, header, Now()) << std::flush;
    return true;
  };
  auto st = ListAndWatch(c, o, h);
  if (!st.ok()) {
    PrintError(st);
    return kExitError;
  }
  return kExitOk;
}

}  // namespace

int RunGet(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags(
      {{"output", 'o', true, "wide | yaml | json | name | jsonpath=TEMPLATE"},
       {"selector", 'l', true, "label selector (k=v, k!=v, k in (a,b), k notin (a,b), k, !k)"},
       {"watch", 'w', false, "after listing, print a line per change"},
       {"watch-only", 0, false, "print only the changes"}});
  const std::string usage = flags.Help(kGetUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  if (flags.positional().empty()) return UsageError("get needs a KIND", usage);
  std::vector<std::string> pos = flags.positional();
  std::string kind_text = pos.front();
  std::vector<std::string> names(pos.begin() + 1, pos.end());
  if (auto slash = kind_text.find('/'); slash != std::string::npos) {
    names.insert(names.begin(), kind_text.substr(slash + 1));
    kind_text = kind_text.substr(0, slash);
  }
  auto kind = ParseKindArg(kind_text);
  if (!kind.ok()) return UsageError(kind.status().message(), usage);
  auto format = ParseOutputFormat(flags.Get("output"));
  if (!format.ok()) return UsageError(format.status().message(), usage);
  bool watch = flags.Has("watch") || flags.Has("watch-only");
  if (watch && names.size() > 1) return UsageError("watch takes at most one NAME", usage);
  auto client = ctx.NewClient();
  if (watch)
    return Watch(*client, *kind, names.empty() ? "" : names.front(), flags.Get("selector"), *format,
                 flags.Has("watch-only"));
  if (!names.empty()) return GetNamed(*client, *kind, names, *format);
  return GetList(*client, *kind, flags.Get("selector"), *format);
}

}  // namespace labctl::cli
