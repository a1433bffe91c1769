#include "reconcilers/providers/docker/network_baselines.h"

#include <filesystem>

#include "api/text_file.h"

namespace labctl::reconcilers {
namespace {

constexpr char kSuffix[] = ".rules";

bool IsContainerId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id)
    if (!isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

std::string NetworkBaselines::PathOf(const std::string& container_id) const {
  return directory_ + "/" + container_id + kSuffix;
}

api::Status NetworkBaselines::Put(const std::string& container_id, const std::string& snapshot) {
  if (!IsContainerId(container_id))
    return api::Status::BadRequest("not a container id: " + container_id);
  std::lock_guard<std::mutex> l(mu_);
  snapshots_[container_id] = snapshot;
  taken_at_[container_id] = std::filesystem::file_time_type::clock::now();
  if (directory_.empty()) return api::Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  return api::WriteFileAtomically(PathOf(container_id), snapshot);
}

std::optional<std::string> NetworkBaselines::Get(const std::string& container_id) {
  if (!IsContainerId(container_id)) return std::nullopt;
  std::lock_guard<std::mutex> l(mu_);
  if (auto it = snapshots_.find(container_id); it != snapshots_.end()) return it->second;
  if (directory_.empty()) return std::nullopt;
  auto stored = api::ReadTextFile(PathOf(container_id));
  if (!stored.ok()) return std::nullopt;
  snapshots_[container_id] = *stored;
  return *stored;
}

void NetworkBaselines::Prune(const std::set<std::string>& live,
                             std::filesystem::file_time_type listed_at) {
  std::lock_guard<std::mutex> l(mu_);
  auto recent = [&](const std::string& id) {
    auto it = taken_at_.find(id);
    return it != taken_at_.end() && it->second >= listed_at;
  };
  for (auto it = snapshots_.begin(); it != snapshots_.end();) {
    if (live.count(it->first) || recent(it->first)) {
      ++it;
      continue;
    }
    taken_at_.erase(it->first);
    it = snapshots_.erase(it);
  }
  if (directory_.empty()) return;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= sizeof(kSuffix) - 1 || !name.ends_with(kSuffix)) continue;
    const std::string id = name.substr(0, name.size() - (sizeof(kSuffix) - 1));
    std::error_code time_ec;
    if (live.count(id) || recent(id) || entry.last_write_time(time_ec) >= listed_at) continue;
    std::filesystem::remove(entry.path(), ec);
  }
}

}  // namespace labctl::reconcilers
