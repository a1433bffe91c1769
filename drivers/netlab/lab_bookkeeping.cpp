#include "drivers/netlab/lab_bookkeeping.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "api/text_file.h"

namespace labctl::netlab {
namespace fs = std::filesystem;

const std::vector<std::string>& DefaultGeneratedFiles() {
  static const std::vector<std::string> kFiles = {"clab.yml",
                                                  "clab_files",
                                                  "ansible.cfg",
                                                  "hosts.yml",
                                                  "group_vars",
                                                  "host_vars",
                                                  "config",
                                                  "node_files",
                                                  "netlab.lock",
                                                  "netlab.snapshot.yml",
                                                  "netlab.snapshot.pickle"};
  return kFiles;
}

api::Result<std::vector<std::string>> QueryGeneratedFiles(const NetlabCli& cli,
                                                          const std::string& dir) {
  // netlab prints a list as Python text but a mapping as JSON: ask for the two mappings that
  // hold the clean-up lists (the whole of `defaults` does not serialise).
  std::vector<std::string> out;
  for (const auto& [expr, pointers] :
       {std::pair<const char*, std::vector<const char*>>{"defaults.providers.clab", {"/cleanup"}},
        {"defaults.automation", {"/ansible/cleanup", "/configs/cleanup"}}}) {
    auto text = cli.InspectJson(dir, expr);
    if (!text.ok()) return text.status();
    auto mapping = nlohmann::json::parse(*text, nullptr, false);
    if (!mapping.is_object())
      return api::Status::Internal(std::string("netlab inspect ") + expr + ": not JSON");
    for (const char* pointer : pointers)
      for (const auto& v : mapping.value(nlohmann::json::json_pointer(pointer), nlohmann::json()))
        if (v.is_string()) out.push_back(v.get<std::string>());
  }
  for (const char* f : {"netlab.lock", "netlab.snapshot.yml", "netlab.snapshot.pickle"})
    out.push_back(f);
  return out;
}

api::Status RemoveGeneratedFiles(const std::string& dir, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
      return api::Status::BadRequest("not a plain file name in the lab directory: \"" + name +
                                     "\"");
  }
  for (const auto& name : names) {
    std::error_code ec;
    fs::remove_all(fs::path(dir) / name, ec);  // symlinks are removed, never followed
    if (ec && ec != std::errc::no_such_file_or_directory)
      return api::Status::Internal("remove " + dir + "/" + name + ": " + ec.message());
  }
  return api::Status::Ok();
}

std::string StatusFilePath(const std::string& home) { return home + "/.netlab/status.yaml"; }

std::string LabId(std::optional<int> multilab_id) {
  return multilab_id ? std::to_string(*multilab_id) : "default";
}

namespace {

// flock(2) on "<file>.lock", as netlab's filelock does; netlab gives up after 3 s, we wait 10.
class StatusLock {
 public:
  explicit StatusLock(const std::string& status_file) {
    std::error_code ec;
    fs::create_directories(fs::path(status_file).parent_path(), ec);
    fd_ = ::open((status_file + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      error_ = std::string("open lock: ") + std::strerror(errno);
      return;
    }
    for (int i = 0; i < 200; ++i) {
      if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
      if (errno != EWOULDBLOCK && errno != EINTR) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    error_ = "netlab status file is locked by another process: " + status_file + ".lock";
  }
  ~StatusLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string error_;
};

// One top-level entry of the status file, with all its lines.
struct Entry {
  std::string key;
  std::string text;
};

// Splits netlab's status YAML (a block mapping written by PyYAML) into top-level entries.
api::Result<std::vector<Entry>> SplitEntries(const std::string& text) {
  static const std::regex key_re(R"(^(['"]?)([^'":#]+)\1\s*:.*$)");
  std::vector<Entry> entries;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    bool top = !line.empty() && line[0] != ' ' && line[0] != '\t' && line[0] != '#';
    if (top && (line == "{}" || line == "---")) continue;
    std::smatch m;
    if (top) {
      if (!std::regex_match(line, m, key_re))
        return api::Status::Internal("netlab status file: unexpected line \"" + line + "\"");
      entries.push_back({m[2].str(), ""});
    } else if (entries.empty()) {
      if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') continue;
      return api::Status::Internal("netlab status file: unexpected line \"" + line + "\"");
    }
    entries.back().text += line + "\n";
  }
  return entries;
}

// Replaces (or, with an empty `replacement`, removes) the entry `lab_id`.
api::Status EditEntry(const std::string& status_file, const std::string& lab_id,
                      const std::string& replacement) {
  StatusLock lock(status_file);
  if (!lock.error().empty()) return api::Status::Unavailable(lock.error());
  const std::string text = api::ReadTextFileOrEmpty(status_file);  // no file: no entries
  auto entries = SplitEntries(text);
  if (!entries.ok()) return entries.status();
  std::string out;
  bool found = false;
  for (const auto& e : *entries) {
    if (e.key != lab_id) {
      out += e.text;
    } else if (!found) {
      found = true;
      out += replacement;
    }
  }
  if (!found) {
    if (replacement.empty()) return api::Status::Ok();  // nothing to remove: file untouched
    out += replacement;
  }
  return api::WriteFileAtomically(status_file, out.empty() ? "{}\n" : out);
}

std::string Quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// netlab's two timestamp spellings: ISO 8601 in log lines, Python's str(datetime) in timestamp.
std::string Timestamp(std::chrono::system_clock::time_point now, bool iso) {
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(now);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now - secs).count();
  std::time_t t = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lld+00:00", static_cast<long long>(micros));
  return std::string(buf) + frac;
}

}  // namespace

api::Status RecordLabStarted(const std::string& status_file, const std::string& lab_id,
                             const std::string& dir, const std::string& lab_name,
                             std::chrono::system_clock::time_point now) {
  std::error_code ec;
  fs::path canonical = fs::canonical(dir, ec);
  if (ec) return api::Status::NotFound("lab directory " + dir + ": " + ec.message());
  std::string entry = lab_id + ":\n";
  entry += "  dir: " + Quoted(canonical.string()) + "\n";
  entry += "  log:\n  - " + Quoted(Timestamp(now, true) + ": started") + "\n";
  entry += "  name: " + Quoted(lab_name) + "\n";
  entry += "  providers:\n  - clab\n";
  entry += "  status: started\n";
  entry += "  timestamp: " + Timestamp(now, false) + "\n";
  return EditEntry(status_file, lab_id, entry);
}

api::Status RemoveLabStatus(const std::string& status_file, const std::string& lab_id) {
  return EditEntry(status_file, lab_id, "");
}

api::Result<std::vector<std::string>> StatusLabIds(const std::string& status_file) {
  const std::string text = api::ReadTextFileOrEmpty(status_file);  // no file: no entries
  auto entries = SplitEntries(text);
  if (!entries.ok()) return entries.status();
  std::vector<std::string> ids;
  for (const auto& e : *entries) ids.push_back(e.key);
  return ids;
}

}  // namespace labctl::netlab
