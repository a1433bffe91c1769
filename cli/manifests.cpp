#include "cli/manifests.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/yaml.h"
#include "cli/clab_manifest.h"

namespace labctl::cli {

namespace fs = std::filesystem;

namespace {

api::Result<std::string> ReadText(const std::string& path) {
  if (path == "-") {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return api::Status::NotFound("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ManifestDoc CheckDoc(const std::string& source, nlohmann::json object) {
  ManifestDoc d{source, api::Kind::kLab, std::move(object), {}};
  if (!d.object.is_object()) {
    d.error = api::Status::BadRequest(source + ": a manifest must be a mapping");
    return d;
  }
  std::string kind = d.object.value("kind", "");
  auto parsed = api::ParseKind(kind);
  if (!parsed || *parsed == api::Kind::kEvent) {
    d.error = api::Status::BadRequest(source + ": unsupported kind \"" + kind +
                                      "\" (use Lab, Session or Host)");
    return d;
  }
  d.kind = *parsed;
  if (api::Name(d.object).empty()) {
    d.error = api::Status::BadRequest(source + ": metadata.name is required");
  }
  return d;
}

api::Status ReadFile(const std::string& path, std::vector<ManifestDoc>& out) {
  auto text = ReadText(path);
  if (!text.ok()) return text.status();
  auto docs = api::ParseYamlDocuments(*text);
  if (!docs.ok()) return api::Status::BadRequest(path + ": " + docs.status().message());
  if (docs->size() == 1 && IsContainerlabTopology(docs->front())) {
    auto lab = ContainerlabLab(path, *text, docs->front());
    if (!lab.ok()) return lab.status();
    out.push_back(CheckDoc(path, std::move(*lab)));
    return api::Status::Ok();
  }
  for (size_t i = 0; i < docs->size(); ++i) {
    std::string source = docs->size() > 1 ? path + "#" + std::to_string(i + 1) : path;
    out.push_back(CheckDoc(source, std::move((*docs)[i])));
  }
  return api::Status::Ok();
}

bool IsManifestFile(const fs::path& p) {
  auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

}  // namespace

api::Result<std::vector<ManifestDoc>> ReadManifests(const std::string& path) {
  std::vector<ManifestDoc> out;
  std::error_code ec;
  if (path != "-" && fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(path, ec))
      if (entry.is_regular_file() && IsManifestFile(entry.path())) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    if (files.empty()) return api::Status::NotFound("no *.yaml, *.yml or *.json files in " + path);
    for (const auto& f : files) LABCTL_RETURN_IF_ERROR(ReadFile(f.string(), out));
    return out;
  }
  LABCTL_RETURN_IF_ERROR(ReadFile(path, out));
  return out;
}

}  // namespace labctl::cli
