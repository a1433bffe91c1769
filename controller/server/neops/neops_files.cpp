#include "controller/server/neops/neops_files.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "api/file_paths.h"

namespace labctl::server {

namespace {

namespace fs = std::filesystem;

constexpr char kTempPrefix[] = ".tmp-";

api::Status IoError(const std::string& what, const std::string& path, int err) {
  return api::Status::Internal(what + " " + path + ": " + std::strerror(err));
}

api::Status SyncPath(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open", path, errno);
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  return rc == 0 ? api::Status::Ok() : IoError("cannot fsync", path, err);
}

// Creates `path` (never following or replacing anything) with `content`, fsynced.
api::Status WriteNewFile(const std::string& path, const std::string& content) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot create", path, errno);
  const char* data = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      close(fd);
      return IoError("cannot write", path, err);
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  return rc == 0 ? api::Status::Ok() : IoError("cannot fsync", path, err);
}

// Creates the parent folders of `relative` inside `root` (mode 0755), remembering them for fsync.
api::Status MakeParents(const fs::path& root, const std::string& relative,
                        std::vector<std::string>* dirs) {
  fs::path parent = fs::path(relative).parent_path();
  fs::path current = root;
  for (const auto& part : parent) {
    current /= part;
    if (mkdir(current.c_str(), 0755) != 0 && errno != EEXIST)
      return IoError("cannot create directory", current.string(), errno);
    dirs->push_back(current.string());
  }
  return api::Status::Ok();
}

api::Status WriteTree(const fs::path& root, const NeopsUpload& upload) {
  std::vector<std::pair<std::string, const std::string*>> files;
  files.emplace_back(upload.topology_name, &upload.topology);
  for (const auto& [path, content] : upload.extra_files) files.emplace_back(path, &content);
  for (const auto& [path, content] : files)
    if (!api::IsSafeRelativePath(path))
      return api::Status::BadRequest("file name '" + path +
                                     "' must be a relative path inside the lab directory");
  std::vector<std::string> dirs = {root.string()};
  for (const auto& [path, content] : files) {
    LABCTL_RETURN_IF_ERROR(MakeParents(root, path, &dirs));
    LABCTL_RETURN_IF_ERROR(WriteNewFile((root / path).string(), *content));
  }
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) LABCTL_RETURN_IF_ERROR(SyncPath(*it));
  return api::Status::Ok();
}

}  // namespace

std::string LabFilesDir(const std::string& files_dir, const std::string& lab) {
  return (fs::path(files_dir) / lab).string();
}

api::Status WriteLabFiles(const std::string& files_dir, const std::string& lab,
                          const NeopsUpload& upload) {
  if (!api::IsSafeRelativePath(lab) || lab.find('/') != std::string::npos || lab[0] == '.')
    return api::Status::BadRequest("bad lab name '" + lab + "'");
  std::error_code ec;
  fs::create_directories(files_dir, ec);
  if (ec) return api::Status::Internal("cannot create " + files_dir + ": " + ec.message());
  std::string pattern = (fs::path(files_dir) / (kTempPrefix + lab + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) return IoError("cannot create", pattern, errno);
  fs::path temp = pattern;
  api::Status written = WriteTree(temp, upload);
  if (!written.ok()) {
    fs::remove_all(temp, ec);
    return written;
  }
  fs::path final_dir = LabFilesDir(files_dir, lab);
  fs::remove_all(final_dir, ec);  // an earlier lab of the same name (same content hash)
  if (std::rename(temp.c_str(), final_dir.c_str()) != 0) {
    int err = errno;
    fs::remove_all(temp, ec);
    return IoError("cannot rename into", final_dir.string(), err);
  }
  LABCTL_RETURN_IF_ERROR(SyncPath(files_dir));
  spdlog::info("neops lab files written lab={} dir={} files={}", lab, final_dir.string(),
               upload.extra_files.size() + 1);
  return api::Status::Ok();
}

void SweepLabFiles(const std::string& files_dir,
                   const std::function<bool(const std::string& lab)>& lab_exists) {
  std::error_code ec;
  fs::directory_iterator it(files_dir, ec);
  if (ec) return;  // nothing written yet
  for (const auto& entry : it) {
    std::string name = entry.path().filename().string();
    bool temp = name.rfind(kTempPrefix, 0) == 0;
    if (!temp && lab_exists(name)) continue;
    std::error_code rm;
    fs::remove_all(entry.path(), rm);
    if (rm)
      spdlog::warn("neops lab files sweep path={} error=\"{}\"", entry.path().string(),
                   rm.message());
    else
      spdlog::info("neops lab files removed path={}", entry.path().string());
  }
}

}  // namespace labctl::server
