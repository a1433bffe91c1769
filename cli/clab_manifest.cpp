#include "cli/clab_manifest.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/file_paths.h"
#include "api/lab_spec.h"
#include "api/object.h"

namespace labctl::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Host sides of the relative binds and env-files of one node definition level.
void RelativeSources(const json& def, std::vector<std::string>& out) {
  if (!def.is_object()) return;
  if (auto b = def.find("binds"); b != def.end() && b->is_array())
    for (const auto& bind : *b) {
      if (!bind.is_string()) continue;
      const std::string text = bind.get<std::string>();
      const size_t colon = text.find(':');
      if (colon == std::string::npos) continue;  // an anonymous volume
      out.push_back(text.substr(0, colon));
    }
  if (auto e = def.find("env-files"); e != def.end() && e->is_array())
    for (const auto& file : *e)
      if (file.is_string()) out.push_back(file.get<std::string>());
}

std::vector<std::string> Sources(const json& doc) {
  std::vector<std::string> out;
  const json& topo = doc["topology"];
  if (!topo.is_object()) return out;
  if (auto d = topo.find("defaults"); d != topo.end()) RelativeSources(*d, out);
  for (const char* level : {"kinds", "groups", "nodes"})
    if (auto defs = topo.find(level); defs != topo.end() && defs->is_object())
      for (const auto& [name, def] : defs->items()) RelativeSources(def, out);
  return out;
}

api::Status AddFile(const fs::path& base, const std::string& relative, json& files) {
  std::ifstream in(base / relative, std::ios::binary);
  if (!in) return api::Status::NotFound("cannot read " + (base / relative).string());
  std::stringstream buf;
  buf << in.rdbuf();
  files[relative] = buf.str();
  return api::Status::Ok();
}

// `relative` (a file, or a directory's regular files) into files; a missing path is left to
// the topology (Docker creates a missing bind source as an empty directory).
api::Status AddSource(const fs::path& base, std::string relative, json& files) {
  while (relative.rfind("./", 0) == 0) relative = relative.substr(2);
  if (relative.empty() || relative[0] == '/' || relative[0] == '~') return api::Status::Ok();
  if (!api::IsSafeRelativePath(relative))
    return api::Status::BadRequest("bind or env-file " + relative +
                                   " leaves the topology's directory: give an absolute path");
  std::error_code ec;
  const fs::path full = base / relative;
  if (fs::is_regular_file(full, ec)) return AddFile(base, relative, files);
  if (!fs::is_directory(full, ec)) return api::Status::Ok();
  for (const auto& entry : fs::recursive_directory_iterator(full, ec))
    if (entry.is_regular_file())
      LABCTL_RETURN_IF_ERROR(AddFile(base, fs::relative(entry.path(), base).string(), files));
  return api::Status::Ok();
}

}  // namespace

bool IsContainerlabTopology(const json& doc) {
  return doc.is_object() && doc.contains("topology") && !doc.contains("kind");
}

api::Result<json> ContainerlabLab(const std::string& path, const std::string& text,
                                  const json& doc) {
  std::string name;
  if (auto n = doc.find("name"); n != doc.end() && n->is_string()) name = n->get<std::string>();
  if (name.empty())
    return api::Status::BadRequest(path +
                                   ": a containerlab topology needs a name: to name its Lab");
  const fs::path base = path == "-" ? fs::path(".") : fs::path(path).parent_path();
  json files = json::object();
  for (const auto& source : Sources(doc))
    LABCTL_RETURN_IF_ERROR(AddSource(base.empty() ? fs::path(".") : base, source, files));
  // Up as soon as applied, as `containerlab deploy` would have it.
  json spec = {{"provider", api::kContainerlabProvider},
               {"runPolicy", "Always"},
               {api::kContainerlabProvider, {{"topology", text}}}};
  if (!files.empty()) spec[api::kContainerlabProvider]["files"] = files;
  return json{{"apiVersion", api::kApiVersion},
              {"kind", "Lab"},
              {"metadata", {{"name", name}}},
              {"spec", spec}};
}

}  // namespace labctl::cli
