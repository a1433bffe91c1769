#include "reconcilers/providers/netlab/netlab_inputs.h"

#include "api/file_paths.h"
#include "api/lab_spec.h"
#include "api/sha256.h"
#include "api/text_file.h"

namespace labctl::reconcilers {

using api::json;

namespace {

api::Status BadPath(const std::string& field, const std::string& path) {
  return api::Status::Invalid(
      "invalid netlab lab",
      {{field + "[" + path + "]", "must be a relative path inside the lab's directory"}});
}

// The files of spec.netlab.files, then the facade's nested files (annotation), by path.
api::Status ReadFiles(const json& lab, const json& spec, NetlabInputs& inputs) {
  const json files = spec.value("files", json::object());
  for (const auto& [path, content] : files.items()) {
    if (!api::IsSafeRelativePath(path) || !content.is_string())
      return BadPath("spec.netlab.files", path);
    inputs.files[path] = content.get<std::string>();
  }
  const std::string nested = api::Annotation(lab, api::kNetlabFilesAnnotation);
  if (nested.empty()) return api::Status::Ok();
  const json extra = json::parse(nested, nullptr, false);
  if (!extra.is_object())
    return api::Status::Invalid("invalid netlab lab", {{std::string("metadata.annotations[") +
                                                            api::kNetlabFilesAnnotation + "]",
                                                        "not a JSON object of path -> content"}});
  for (const auto& [path, content] : extra.items()) {
    if (!api::IsSafeRelativePath(path) || !content.is_string())
      return BadPath(std::string("metadata.annotations[") + api::kNetlabFilesAnnotation + "]",
                     path);
    inputs.files[path] = content.get<std::string>();
  }
  return api::Status::Ok();
}

void HashPart(api::Sha256& h, const std::string& part) {
  h.Update(std::to_string(part.size())).Update(":").Update(part);
}

}  // namespace

api::Result<NetlabInputs> ReadNetlabInputs(const json& lab) {
  const json spec = lab.value("spec", json::object()).value("netlab", json::object());
  NetlabInputs inputs;
  inputs.topology = spec.value("topology", "");
  if (inputs.topology.empty())
    return api::Status::Invalid("invalid netlab lab", {{"spec.netlab.topology", "required"}});
  inputs.topology_name = api::Annotation(lab, api::kNetlabTopologyFileAnnotation);
  if (inputs.topology_name.empty()) inputs.topology_name = api::kNetlabTopologyFile;
  if (!api::IsSafeRelativePath(inputs.topology_name))
    return BadPath(std::string("metadata.annotations[") + api::kNetlabTopologyFileAnnotation + "]",
                   inputs.topology_name);
  LABCTL_RETURN_IF_ERROR(ReadFiles(lab, spec, inputs));
  const json images = spec.value("images", json::object());
  for (const auto& [device, image] : images.items())
    if (image.is_string()) inputs.images[device] = image.get<std::string>();
  return inputs;
}

std::vector<std::string> ImageSettings(const NetlabInputs& inputs) {
  std::vector<std::string> settings;
  for (const auto& [device, image] : inputs.images)
    settings.push_back("defaults.devices." + device + ".clab.image=" + image);
  return settings;
}

std::string InputsHash(const NetlabInputs& inputs, int multilab_id,
                       const std::vector<std::string>& settings) {
  api::Sha256 h;
  HashPart(h, inputs.topology_name);
  HashPart(h, inputs.topology);
  HashPart(h, std::to_string(inputs.files.size()));
  for (const auto& [path, content] : inputs.files) {
    HashPart(h, path);
    HashPart(h, content);
  }
  HashPart(h, std::to_string(multilab_id));
  HashPart(h, std::to_string(settings.size()));
  for (const auto& s : settings) HashPart(h, s);
  return h.HexDigest();
}

api::Status WriteNetlabInputs(const std::string& dir, const NetlabInputs& inputs) {
  LABCTL_RETURN_IF_ERROR(
      api::WriteFileIfChanged(dir + "/" + inputs.topology_name, inputs.topology));
  for (const auto& [path, content] : inputs.files)
    LABCTL_RETURN_IF_ERROR(api::WriteFileIfChanged(dir + "/" + path, content));
  return api::Status::Ok();
}

}  // namespace labctl::reconcilers
