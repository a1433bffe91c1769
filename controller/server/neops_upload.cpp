#include "controller/server/neops_upload.h"

#include <algorithm>
#include <cctype>

#include "api/sha256.h"
#include "api/validation.h"
#include "api/yaml.h"

namespace labctl::server {

namespace {

bool EndsWithYaml(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  auto ends = [&](std::string_view s) {
    return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends(".yml") || ends(".yaml");
}

bool IsLabManifest(const api::json& doc) {
  if (!doc.is_object() || doc.value("kind", "") != "Lab") return false;
  return doc.value("apiVersion", "").rfind("labctl.dev/", 0) == 0;
}

}  // namespace

bool IsSafeRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  if (path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos)
    return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

api::Status ValidateUpload(const NeopsUpload& upload) {
  if (!EndsWithYaml(upload.topology_name))
    return api::Status::BadRequest("topology file must end with .yml or .yaml, got '" +
                                   upload.topology_name + "'");
  if (!IsSafeRelativePath(upload.topology_name))
    return api::Status::BadRequest("topology file name '" + upload.topology_name +
                                   "' must be a relative path inside the lab directory");
  for (const auto& [path, content] : upload.extra_files) {
    if (!IsSafeRelativePath(path))
      return api::Status::BadRequest("extra file name '" + path +
                                     "' must be a relative path inside the lab directory");
  }
  return api::Status::Ok();
}

std::string UploadHash(const NeopsUpload& upload) {
  // Each extra file as NUL path NUL size NUL content, so no two uploads share a byte stream.
  api::Sha256 hash;
  hash.Update(upload.topology);
  constexpr std::string_view kNul("\0", 1);
  for (const auto& [path, content] : upload.extra_files)
    hash.Update(kNul)
        .Update(path)
        .Update(kNul)
        .Update(std::to_string(content.size()))
        .Update(kNul)
        .Update(content);
  return hash.HexDigest();
}

api::Result<api::json> LabFromUpload(const NeopsUpload& upload, const std::string& name,
                                     int idle_timeout_seconds) {
  auto docs = api::ParseYamlDocuments(upload.topology);
  if (!docs.ok()) return api::Status::BadRequest("topology: " + docs.status().message());
  api::json lab = {
      {"apiVersion", api::kApiVersion}, {"kind", "Lab"}, {"metadata", {{"name", name}}}};
  if (docs->size() == 1 && IsLabManifest(docs->front())) {
    lab["spec"] = docs->front().value("spec", api::json::object());
    lab["spec"]["provider"] = "docker";
  } else {
    lab["spec"] = {{"provider", "netlab"}, {"netlab", {{"topology", upload.topology}}}};
  }
  lab["spec"]["runPolicy"] = "OnDemand";
  lab["spec"]["idleTimeoutSeconds"] = idle_timeout_seconds;
  lab["metadata"]["labels"][kFacadeLabel] = kFacadeValue;
  auto& annotations = lab["metadata"]["annotations"];
  annotations[kContentHashAnnotation] = UploadHash(upload);
  annotations[kTopologyNameAnnotation] = upload.topology_name;
  if (!upload.extra_files.empty())
    annotations[kExtraFilesAnnotation] = api::json(upload.extra_files).dump();
  api::DefaultLab(lab);
  LABCTL_RETURN_IF_ERROR(api::ValidateLab(lab));
  return lab;
}

}  // namespace labctl::server
