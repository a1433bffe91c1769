#include "reconcilers/providers/containerlab/clab_validation.h"

#include "api/field_errors.h"
#include "api/file_paths.h"
#include "reconcilers/providers/containerlab/clab_model.h"

namespace labctl::clab {
namespace {

using api::json;

// Any absolute directory does: only paths relative to it are compared.
constexpr char kCheckLabsDir[] = "/labctl-labs";
constexpr char kTopologyField[] = "spec.containerlab.topology";

bool IsContainerlabLab(const json& lab) {
  return lab.value("spec", json::object()).value("provider", "") == kContainerlabProvider;
}

std::string Field(const std::string& inside) { return api::Key(kTopologyField, inside); }

void AddPath(std::vector<api::HostRequest>& out, const std::string& lab_dir,
             const std::string& host_path, const std::string& field, bool read_only) {
  if (api::IsPathWithin(host_path, lab_dir) && host_path != lab_dir)
    out.push_back(
        {api::HostRequest::Kind::kLabFile, field, host_path.substr(lab_dir.size() + 1), read_only});
  else
    out.push_back({api::HostRequest::Kind::kBind, field, host_path, read_only});
}

}  // namespace

api::Status ValidateContainerlabLab(const json& lab) {
  if (!IsContainerlabLab(lab)) return api::Status::Ok();
  auto topo = ReadLabTopology(lab, kCheckLabsDir);
  if (topo.ok()) return api::Status::Ok();
  std::vector<api::Cause> causes;
  for (const auto& c : topo.status().causes()) causes.push_back({Field(c.field), c.message});
  if (causes.empty()) causes.push_back({kTopologyField, topo.status().message()});
  return api::Status::Invalid("spec.containerlab.topology: " + topo.status().message(),
                              std::move(causes));
}

std::vector<api::HostRequest> ContainerlabHostRequests(const json& lab) {
  std::vector<api::HostRequest> out;
  if (!IsContainerlabLab(lab)) return out;
  auto topo = ReadLabTopology(lab, kCheckLabsDir);
  if (!topo.ok()) return out;
  const std::string lab_dir = LabFilesDir(kCheckLabsDir, api::Name(lab));
  for (const auto& [name, node] : topo->nodes) {
    if (!node.HasContainer()) continue;
    const std::string path = api::Child("topology.nodes", name);
    for (size_t i = 0; i < node.binds.size(); ++i) {
      const Bind& b = node.binds[i];
      if (b.host_path.empty()) continue;  // an anonymous volume
      const bool ro = b.options == "ro" || b.options.rfind("ro,", 0) == 0 ||
                      b.options.find(",ro") != std::string::npos;
      AddPath(out, lab_dir, b.host_path, Field(api::At(api::Child(path, "binds"), i)), ro);
    }
    for (size_t i = 0; i < node.env_files.size(); ++i)
      AddPath(out, lab_dir, node.env_files[i], Field(api::At(api::Child(path, "env-files"), i)),
              true);
    for (size_t i = 0; i < node.cap_add.size(); ++i)
      out.push_back({api::HostRequest::Kind::kCapability,
                     Field(api::At(api::Child(path, "cap-add"), i)),
                     api::CanonicalCapability(node.cap_add[i])});
  }
  return out;
}

}  // namespace labctl::clab
