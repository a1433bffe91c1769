#include "controller/server/neops/neops_upload.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "api/file_paths.h"
#include "api/sha256.h"
#include "api/utf8.h"
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
  if (!doc.is_object()) return false;
  const api::json kind = doc.value("kind", api::json());
  const api::json version = doc.value("apiVersion", api::json());
  return kind == "Lab" && version.is_string() &&
         version.get_ref<const std::string&>().rfind("labctl.dev/", 0) == 0;
}

}  // namespace

// Every file lands at its path in one directory: no two may share a path, and no file may sit
// where another needs a directory.
api::Status CheckNoClash(const NeopsUpload& upload) {
  std::set<std::string_view> paths = {upload.topology_name};
  for (const auto& [path, content] : upload.extra_files)
    if (!paths.insert(path).second)
      return api::Status::BadRequest("extra file '" + path + "' has the topology file's name");
  for (std::string_view path : paths) {
    for (size_t slash = path.find('/'); slash != std::string_view::npos;
         slash = path.find('/', slash + 1)) {
      if (paths.count(path.substr(0, slash)))
        return api::Status::BadRequest("file '" + std::string(path) + "' needs a folder '" +
                                       std::string(path.substr(0, slash)) +
                                       "' that is also a file");
    }
  }
  return api::Status::Ok();
}

api::Status ValidateUpload(const NeopsUpload& upload) {
  // Names and contents end up in JSON (the Lab's annotations): they must be UTF-8.
  LABCTL_RETURN_IF_ERROR(api::CheckUtf8(upload.topology_name, "topology file name"));
  LABCTL_RETURN_IF_ERROR(api::CheckUtf8(upload.topology, "topology"));
  if (!EndsWithYaml(upload.topology_name))
    return api::Status::BadRequest("topology file must end with .yml or .yaml, got '" +
                                   upload.topology_name + "'");
  if (!api::IsSafeRelativePath(upload.topology_name))
    return api::Status::BadRequest("topology file name '" + upload.topology_name +
                                   "' must be a relative path inside the lab directory");
  for (const auto& [path, content] : upload.extra_files) {
    LABCTL_RETURN_IF_ERROR(api::CheckUtf8(path, "extra file name"));
    LABCTL_RETURN_IF_ERROR(api::CheckUtf8(content, "extra file '" + path + "'"));
    if (!api::IsSafeRelativePath(path))
      return api::Status::BadRequest("extra file name '" + path +
                                     "' must be a relative path inside the lab directory");
  }
  return CheckNoClash(upload);
}

std::string UploadHash(const NeopsUpload& upload) {
  api::Sha256 hash;
  hash.Update(upload.topology);
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
    // Validation names the field; filling it in below must not throw first (a 500).
    if (!lab["spec"].is_object())
      return api::Status::BadRequest("topology: spec must be an object");
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
