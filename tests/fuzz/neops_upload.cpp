// What the Neops facade does with an upload (POST /lab: the multipart parsing itself is
// cpp-httplib's): the file-name and content checks, the content hash, the Lab the upload becomes,
// and, for an accepted upload, the lab directory written from it (which must hold exactly the
// uploaded files, each inside the directory).
// Input: parts "<file name>\n<content>" separated by "\n--\n": the topology, then extra files.
#include "controller/server/neops/neops_upload.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "controller/server/neops/neops_files.h"
#include "fuzz_input.h"

using namespace labctl;
namespace fs = std::filesystem;

namespace {

std::pair<std::string, std::string> NameAndContent(const std::string& part) {
  size_t nl = part.find('\n');
  if (nl == std::string::npos) return {part, ""};
  return {part.substr(0, nl), part.substr(nl + 1)};
}

// A scratch directory of this process, in memory when /dev/shm exists.
const fs::path& FilesDir() {
  static const fs::path dir = [] {
    fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    fs::path d = base / ("labctl-fuzz-neops-" + std::to_string(getpid()));
    fs::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(FilesDir(), ec);
    });
    return d;
  }();
  return dir;
}

void CheckWritten(const server::NeopsUpload& upload) {
  api::Status st = server::WriteLabFiles(FilesDir().string(), "fuzzlab", upload);
  if (!st.ok()) fuzz::Fail("a validated upload was not written: " + st.message());
  fs::path root = fs::canonical(server::LabFilesDir(FilesDir().string(), "fuzzlab"));
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    fs::path relative = fs::relative(fs::canonical(entry.path()), root);
    if (relative.empty() || *relative.begin() == "..")
      fuzz::Fail("file written outside the lab directory: " + entry.path().string());
  }
  if (files != upload.extra_files.size() + 1) fuzz::Fail("lab directory holds other files");
  std::ifstream in(root / upload.topology_name, std::ios::binary);
  std::string topology((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (topology != upload.topology) fuzz::Fail("topology file differs from the upload");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = (spdlog::set_level(spdlog::level::off), true);
  (void)quiet;
  auto parts = fuzz::SplitParts(fuzz::Text(data, size), 8);
  server::NeopsUpload upload;
  std::tie(upload.topology_name, upload.topology) = NameAndContent(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    auto [name, content] = NameAndContent(parts[i]);
    upload.extra_files.emplace(std::move(name), std::move(content));
  }
  (void)server::UploadHash(upload);
  if (!server::ValidateUpload(upload).ok()) return 0;
  auto lab = server::LabFromUpload(upload, "neops-0123456789ab", 600);
  if (lab.ok()) (void)lab->dump();
  CheckWritten(upload);
  return 0;
}
