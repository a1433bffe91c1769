// labctl graph -f FILE|DIR|- | lab/NAME [--format mermaid|dot|svg]: draws a lab's topology.
#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/manifests.h"
#include "graph/lab_graph.h"

namespace labctl::cli {
namespace {

constexpr char kUsage[] =
    "usage: labctl graph (-f FILE | lab/NAME) [--format mermaid|dot|svg]\n"
    "  Draws nodes, networks, links and NAT roles of a lab: from a manifest (-f, no server\n"
    "  needed) or from the Lab stored in labd. Mermaid is the default; dot is for Graphviz;\n"
    "  svg is the picture laid out by Graphviz (the one labd's dashboard shows).\n";

api::Result<std::vector<nlohmann::json>> LabsFromFile(const std::string& path) {
  auto docs = ReadManifests(path);
  if (!docs.ok()) return docs.status();
  std::vector<nlohmann::json> labs;
  for (const auto& d : *docs) {
    if (!d.error.ok()) return d.error;
    if (d.kind == api::Kind::kLab) labs.push_back(d.object);
  }
  if (labs.empty()) return api::Status::NotFound("no Lab in " + path);
  return labs;
}

}  // namespace

int RunGraph(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags({{"filename", 'f', true, "draw the Lab in this manifest (no server needed)"},
               {"format", 0, true, "mermaid (default), dot (Graphviz) or svg"}});
  const std::string usage = flags.Help(kUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  auto format = graph::ParseGraphFormat(flags.Get("format", "mermaid"));
  if (!format) return UsageError("--format must be mermaid, dot or svg", usage);
  std::vector<nlohmann::json> labs;
  if (flags.Has("filename")) {
    if (!flags.positional().empty()) return UsageError("give either -f or lab/NAME", usage);
    auto read = LabsFromFile(flags.Get("filename"));
    if (!read.ok()) {
      PrintError(read.status(), flags.Get("filename"));
      return kExitError;
    }
    labs = std::move(read).value();
  } else {
    size_t i = 0;
    auto ref = ParseKindAndName(flags.positional(), i);
    if (!ref.ok() || ref->kind != api::Kind::kLab || ref->name.empty() ||
        i != flags.positional().size())
      return UsageError("expected -f FILE or lab/NAME", usage);
    auto lab = ctx.NewClient()->Get(api::Kind::kLab, ref->name);
    if (!lab.ok()) {
      PrintError(lab.status(), ObjectRef(api::Kind::kLab, ref->name));
      return kExitError;
    }
    labs.push_back(std::move(lab).value());
  }
  for (const auto& lab : labs) {
    auto picture = graph::RenderLabGraph(lab, *format);
    if (!picture.ok()) {
      PrintError(picture.status(), ObjectRef(api::Kind::kLab, api::Name(lab)));
      return kExitError;
    }
    std::cout << *picture;
  }
  return kExitOk;
}

}  // namespace labctl::cli
