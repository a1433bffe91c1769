#include "reconcilers/providers/containerlab/external_access.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "api/text_file.h"
#include "drivers/net/mgmt_external_access.h"

namespace labctl::clab {
namespace {

constexpr char kRecordFile[] = ".labctl-external-access";

std::string RecordPath(const std::string& files_dir) { return files_dir + "/" + kRecordFile; }

std::string Recorded(const std::string& files_dir) {
  std::string bridge = api::ReadTextFileOrEmpty(RecordPath(files_dir));
  while (!bridge.empty() && (bridge.back() == '\n' || bridge.back() == ' ')) bridge.pop_back();
  return bridge;
}

}  // namespace

api::Status ApplyExternalAccess(const std::string& files_dir, const std::string& lab, bool wanted,
                                const std::string& bridge) {
  const std::string recorded = Recorded(files_dir);
  if (!recorded.empty() && (!wanted || recorded != bridge))
    LABCTL_RETURN_IF_ERROR(RemoveExternalAccess(files_dir));
  if (!wanted) return api::Status::Ok();
  LABCTL_RETURN_IF_ERROR(api::WriteFileIfChanged(RecordPath(files_dir), bridge + "\n"));
  auto written = net::EnsureExternalAccess(bridge);
  if (!written.ok()) return written.status();
  if (!*written)
    spdlog::warn(
        "lab={} the host's iptables has no DOCKER-USER chain: mgmt.external-access "
        "writes no rule for {} (as containerlab)",
        lab, bridge);
  return api::Status::Ok();
}

api::Status RemoveExternalAccess(const std::string& files_dir) {
  const std::string recorded = Recorded(files_dir);
  if (!recorded.empty()) LABCTL_RETURN_IF_ERROR(net::RemoveExternalAccess(recorded));
  std::error_code ec;
  std::filesystem::remove(RecordPath(files_dir), ec);
  return api::Status::Ok();
}

}  // namespace labctl::clab
