#include "drivers/netlab/multilab_ids.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "api/text_file.h"

namespace labctl::netlab {
namespace {

namespace fs = std::filesystem;

// Holds flock(2) on "<dir>/.lock" for its lifetime.
class DirLock {
 public:
  explicit DirLock(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    fd_ = ::open((dir + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// The form lab directories are stored and compared in (the directory may be gone already).
std::string Normal(const std::string& dir) {
  std::error_code ec;
  auto path = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  return ec ? fs::absolute(dir).lexically_normal().string() : path.string();
}

std::optional<int> IdFromName(const std::string& name) {
  if (name.empty() || name.size() > 4) return std::nullopt;
  for (char c : name)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoi(name);
}

// id -> owning lab directory, as the claim files say.
std::map<int, std::string> ReadClaims(const std::string& dir) {
  std::map<int, std::string> claims;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    auto id = IdFromName(entry.path().filename().string());
    if (!id) continue;
    auto owner = api::ReadTextFile(entry.path().string());
    if (owner.ok()) claims[*id] = *owner;
  }
  return claims;
}

std::string ClaimFile(const std::string& dir, int id) { return dir + "/" + std::to_string(id); }

}  // namespace

std::optional<int> PickMultilabId(const std::set<int>& taken, std::optional<int> current,
                                  const MultilabRange& range) {
  auto usable = [&](int id) {
    return id >= range.first && id <= range.last && !range.skip.count(id) && !taken.count(id);
  };
  if (current && usable(*current)) return current;
  for (int id = range.first; id <= range.last; ++id)
    if (usable(id)) return id;
  return std::nullopt;
}

MultilabIds::MultilabIds(std::string dir, MultilabRange range)
    : dir_(std::move(dir)), range_(std::move(range)) {}

api::Result<int> MultilabIds::Claim(const std::string& lab_dir,
                                    const std::function<bool(int)>& in_use) {
  DirLock lock(dir_);
  if (!lock.ok()) return api::Status::Internal("cannot lock " + dir_ + "/.lock");
  const std::string owner = Normal(lab_dir);
  std::set<int> taken;
  for (const auto& [id, claimant] : ReadClaims(dir_)) {
    if (claimant == owner) return id;
    std::error_code ec;
    if (fs::is_directory(claimant, ec))
      taken.insert(id);
    else
      fs::remove(ClaimFile(dir_, id), ec);  // stale: its lab directory is gone
  }
  auto id = PickMultilabId(taken, std::nullopt, range_);
  while (id && in_use && in_use(*id)) {  // asked lazily: the check may be costly
    taken.insert(*id);
    id = PickMultilabId(taken, std::nullopt, range_);
  }
  if (!id)
    return api::Status(api::Code::kUnavailable, "NoMultilabId",
                       "every netlab multilab id (" + std::to_string(range_.first) + ".." +
                           std::to_string(range_.last) + ") is in use on this host");
  LABCTL_RETURN_IF_ERROR(api::WriteFileAtomically(ClaimFile(dir_, *id), owner));
  return *id;
}

std::optional<int> MultilabIds::Find(const std::string& lab_dir) const {
  DirLock lock(dir_);
  const std::string owner = Normal(lab_dir);
  for (const auto& [id, claimant] : ReadClaims(dir_))
    if (claimant == owner) return id;
  return std::nullopt;
}

api::Status MultilabIds::Release(const std::string& lab_dir) {
  DirLock lock(dir_);
  if (!lock.ok()) return api::Status::Internal("cannot lock " + dir_ + "/.lock");
  const std::string owner = Normal(lab_dir);
  for (const auto& [id, claimant] : ReadClaims(dir_)) {
    if (claimant != owner) continue;
    std::error_code ec;
    fs::remove(ClaimFile(dir_, id), ec);
    if (ec) return api::Status::Internal("cannot remove " + ClaimFile(dir_, id));
  }
  return api::Status::Ok();
}

}  // namespace labctl::netlab
