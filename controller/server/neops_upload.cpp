#include "controller/server/neops_upload.h"

#include <algorithm>
#include <cctype>

#include "api/file_paths.h"
#include "api/validation.h"
#include "api/yaml.h"
#include "controller/server/neops_sha256.h"

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

api::Status ValidateUpload(const NeopsUpload& upload) {
  if (!EndsWithYaml(upload.topology_name))
    return api::Status::BadRequest("topology file must end with .yml or .yaml, got '" +
                                   upload.topology_name + "'");
  if (!api::IsSafeRelativePath(upload.topology_name))
    return api::Status::BadRequest("topology file name '" + upload.topology_name +
                                   "' must be a relative path inside the lab directory");
  for (const auto& [path, content] : upload.extra_files) {
    if (!api::IsSafeRelativePath(path))
      return api::Status::BadRequest("extra file name '" + path +
                                     "' must be a relative path inside the lab directory");
  }
  return api::Status::Ok();
}

std::string UploadHash(const NeopsUpload& upload) {
  Sha256 hash;
  hash.Update(upload.topology);
  for (const auto& [path, content] : upload.extra_files) {
    const std::string size = std::to_string(content.size());
    hash.Update(std::string_view("\0", 1)).Update(path).Update(std::string_view("\0", 1));
    hash.Update(size).Update(std::string_view("\0", 1)).Update(content);
  }
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
