// labctl apply -f FILE|DIR|-: create each object, or update it when its spec, labels or
// annotations differ from the live object (compared after the server's defaulting, so
// re-applying an unchanged file reports "unchanged" and writes nothing).
#include <iostream>

#include "api/validation.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/manifests.h"

namespace labctl::cli {

namespace {

constexpr char kApplyUsage[] = R"(Usage: labctl apply -f FILE|DIR|- [-f ...]

Creates objects that do not exist and updates those whose spec, labels or annotations differ.
FILE may hold several YAML documents; DIR applies every *.yaml, *.yml and *.json in it, sorted.
Prints "lab/NAME created|configured|unchanged" per object; exit 1 if any object failed.
)";

nlohmann::json OrEmptyObject(const nlohmann::json& o, const char* key) {
  if (o.is_object() && o.contains(key) && o[key].is_object()) return o[key];
  return nlohmann::json::object();
}

nlohmann::json Desired(const ManifestDoc& doc) {
  nlohmann::json d = doc.object;
  d.erase("status");
  if (!d.contains("apiVersion")) d["apiVersion"] = api::kApiVersion;
  return d;
}

// Whether the live object already has what `desired` asks for.
bool SameAsLive(api::Kind kind, const nlohmann::json& desired, const nlohmann::json& live) {
  nlohmann::json defaulted = desired;
  api::DefaultObject(kind, defaulted);
  const auto dm = OrEmptyObject(defaulted, "metadata"), lm = OrEmptyObject(live, "metadata");
  return defaulted.value("spec", nlohmann::json()) == live.value("spec", nlohmann::json()) &&
         OrEmptyObject(dm, "labels") == OrEmptyObject(lm, "labels") &&
         OrEmptyObject(dm, "annotations") == OrEmptyObject(lm, "annotations");
}

// The live object with the file's spec, labels and annotations (keeps finalizers, uid, rv).
nlohmann::json UpdatedFrom(const nlohmann::json& desired, nlohmann::json live) {
  live.erase("status");
  live["spec"] = desired.value("spec", nlohmann::json::object());
  const auto dm = OrEmptyObject(desired, "metadata");
  for (const char* key : {"labels", "annotations"}) {
    if (dm.contains(key))
      live["metadata"][key] = dm[key];
    else
      live["metadata"].erase(key);
  }
  return live;
}

// Applies one document; prints the outcome line, or the error lines. True on success.
bool ApplyOne(client::Client& c, const ManifestDoc& doc) {
  std::string ref = ObjectRef(doc.kind, api::Name(doc.object));
  if (!doc.error.ok()) {
    PrintError(doc.error);
    return false;
  }
  nlohmann::json desired = Desired(doc);
  auto live = c.Get(doc.kind, api::Name(desired));
  if (!live.ok() && live.status().code() != api::Code::kNotFound) {
    PrintError(live.status(), ref);
    return false;
  }
  if (!live.ok()) {
    auto created = c.Create(doc.kind, desired);
    if (!created.ok()) {
      PrintError(created.status(), ref);
      return false;
    }
    std::cout << ref << " created" << std::endl;
    return true;
  }
  if (SameAsLive(doc.kind, desired, *live)) {
    std::cout << ref << " unchanged" << std::endl;
    return true;
  }
  auto replaced = c.Replace(doc.kind, UpdatedFrom(desired, *live));
  if (!replaced.ok()) {
    PrintError(replaced.status(), ref);
    return false;
  }
  std::cout << ref << " configured" << std::endl;
  return true;
}

}  // namespace

int RunApply(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags({{"filename", 'f', true, "a manifest file, a directory of them, or - for stdin"}});
  const std::string usage = flags.Help(kApplyUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  if (!flags.Has("filename")) return UsageError("apply needs -f FILE|DIR|-", usage);
  if (!flags.positional().empty())
    return UsageError("unexpected argument " + flags.positional().front(), usage);
  auto client = ctx.NewClient();
  bool all_ok = true;
  for (const auto& path : flags.GetAll("filename")) {
    auto docs = ReadManifests(path);
    if (!docs.ok()) {
      PrintError(docs.status());
      all_ok = false;
      continue;
    }
    for (const auto& doc : *docs) all_ok = ApplyOne(*client, doc) && all_ok;
  }
  return all_ok ? kExitOk : kExitError;
}

}  // namespace labctl::cli
