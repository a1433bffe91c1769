#include "api/text_file.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace labctl::api {

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string ReadTextFileOrEmpty(const std::string& path) {
  auto text = ReadTextFile(path);
  return text.ok() ? *text : "";
}

Status WriteFileAtomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush()) return Status::Internal("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return Status::Internal("cannot rename " + tmp + " to " + path);
  return Status::Ok();
}

Status WriteFileIfChanged(const std::string& path, const std::string& content) {
  if (auto current = ReadTextFile(path); current.ok() && *current == content) return Status::Ok();
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::Internal("cannot create " + parent.string() + ": " + ec.message());
  return WriteFileAtomically(path, content);
}

}  // namespace labctl::api
