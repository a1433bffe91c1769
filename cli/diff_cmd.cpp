// labctl diff -f FILE|DIR|-: what apply would change, as a unified diff of the YAML of the
// live object against the file (metadata.name/labels/annotations and spec, after defaulting).
// Exit 0: no differences; 1: differences (or an error, which is printed as "error: ...").
#include <iostream>

#include "api/validation.h"
#include "api/yaml.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/manifests.h"
#include "cli/util/text_diff.h"

namespace labctl::cli {

namespace {

constexpr char kDiffUsage[] = R"(Usage: labctl diff -f FILE|DIR|-

Prints "-" lines for the live object and "+" lines for the file; exit 0 when nothing differs,
1 when something does (or on an error).
)";

// The parts apply manages, in a stable shape.
nlohmann::json Comparable(const nlohmann::json& o) {
  nlohmann::json meta = {{"name", api::Name(o)}};
  if (o.contains("metadata") && o["metadata"].is_object()) {
    for (const char* key : {"labels", "annotations"})
      if (o["metadata"].contains(key) && !o["metadata"][key].empty())
        meta[key] = o["metadata"][key];
  }
  return {{"apiVersion", o.value("apiVersion", api::kApiVersion)},
          {"kind", o.value("kind", "")},
          {"metadata", meta},
          {"spec", o.value("spec", nlohmann::json::object())}};
}

}  // namespace

int RunDiff(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags({{"filename", 'f', true, "a manifest file, a directory of them, or - for stdin"}});
  const std::string usage = flags.Help(kDiffUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  if (!flags.Has("filename")) return UsageError("diff needs -f FILE|DIR|-", usage);
  auto client = ctx.NewClient();
  bool differs = false, failed = false;
  for (const auto& path : flags.GetAll("filename")) {
    auto docs = ReadManifests(path);
    if (!docs.ok()) {
      PrintError(docs.status());
      failed = true;
      continue;
    }
    for (const auto& doc : *docs) {
      if (!doc.error.ok()) {
        PrintError(doc.error);
        failed = true;
        continue;
      }
      std::string ref = ObjectRef(doc.kind, api::Name(doc.object));
      nlohmann::json desired = doc.object;
      desired["kind"] = api::KindName(doc.kind);
      api::DefaultObject(doc.kind, desired);
      std::string live_yaml;
      auto live = client->Get(doc.kind, api::Name(doc.object));
      if (live.ok()) {
        live_yaml = api::ToYaml(Comparable(*live));
      } else if (live.status().code() != api::Code::kNotFound) {
        PrintError(live.status(), ref);
        failed = true;
        continue;
      }
      std::string d =
          UnifiedDiff("live/" + ref, "file/" + ref, live_yaml, api::ToYaml(Comparable(desired)));
      if (!d.empty()) {
        differs = true;
        std::cout << d;
      }
    }
  }
  std::cout << std::flush;
  return differs || failed ? kExitError : kExitOk;
}

}  // namespace labctl::cli
