#include "reconcilers/providers/containerlab/link_addresses.h"

#include <spdlog/spdlog.h>

#include "api/text_file.h"
#include "drivers/net/node_network.h"
#include "reconcilers/providers/containerlab/clab_model.h"

namespace labctl::clab {

using api::json;

namespace {
constexpr char kAddressesFile[] = ".labctl-link-addresses.json";
}  // namespace

std::string LinkAddresses::FilePath(const std::string& lab) const {
  return LabFilesDir(labs_dir_, lab) + "/" + kAddressesFile;
}

json& LinkAddresses::RecordOf(const reconcilers::LabModel& model) {
  json& record = records_[model.name];
  if (record.is_object() && record.value("uid", "") == model.uid) return record;
  json stored = json::parse(api::ReadTextFileOrEmpty(FilePath(model.name)), nullptr, false);
  const bool usable = stored.is_object() && stored.value("uid", "") == model.uid &&
                      stored.contains("ends") && stored["ends"].is_object();
  record = usable ? stored : json{{"uid", model.uid}, {"ends", json::object()}};
  return record;
}

void LinkAddresses::Record(const reconcilers::LabModel& model, const std::string& node, int pid,
                           const std::vector<std::string>& ends) {
  std::lock_guard<std::mutex> l(mu_);
  json& record = RecordOf(model);
  const json before = record;
  for (const auto& ifname : ends) {
    auto addrs = net::InterfaceAddresses(pid, ifname);
    if (!addrs.ok()) continue;
    json& cidrs = record["ends"][node + "/" + ifname] = json::array();
    for (const auto& c : *addrs) cidrs.push_back(c.ToString());
  }
  if (record == before) return;
  api::Status st = api::WriteFileIfChanged(FilePath(model.name), record.dump());
  if (!st.ok()) spdlog::warn("lab={} link addresses not kept: {}", model.name, st.message());
}

std::vector<api::Cidr> LinkAddresses::Recorded(const reconcilers::LabModel& model,
                                               const std::string& node, const std::string& ifname) {
  std::lock_guard<std::mutex> l(mu_);
  const json ends = RecordOf(model)["ends"];
  std::vector<api::Cidr> out;
  for (const auto& text : ends.value(node + "/" + ifname, json::array()))
    if (auto cidr = text.is_string() ? api::ParseCidr(text.get<std::string>()) : std::nullopt)
      out.push_back(*cidr);
  return out;
}

void LinkAddresses::Forget(const std::string& lab) {
  std::lock_guard<std::mutex> l(mu_);
  records_.erase(lab);
}

}  // namespace labctl::clab
