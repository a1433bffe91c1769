#include "client/server_config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "api/yaml.h"

namespace labctl::client {

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

struct FileConfig {
  std::string server;
  std::string token;
};

api::Result<FileConfig> ReadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return FileConfig{};  // no config file: nothing configured
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = api::ParseJsonOrYaml(ss.str());
  if (!doc.ok())
    return api::Status::BadRequest("config file " + path + ": " + doc.status().message());
  FileConfig c;
  if (doc->is_object()) {
    if (doc->contains("server") && (*doc)["server"].is_string()) c.server = (*doc)["server"];
    if (doc->contains("token") && (*doc)["token"].is_string()) c.token = (*doc)["token"];
  } else if (!doc->is_null()) {
    return api::Status::BadRequest("config file " + path + ": expected a mapping with server:");
  }
  return c;
}

}  // namespace

std::string ConfigFilePath() {
  if (auto p = Env("LABCTL_CONFIG"); !p.empty()) return p;
  if (auto x = Env("XDG_CONFIG_HOME"); !x.empty()) return x + "/labctl/config";
  return Env("HOME") + "/.config/labctl/config";
}

std::string NormalizeServerUrl(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.find("://") == std::string::npos) url = "http://" + url;
  return url;
}

api::Result<Options> ResolveOptions(const std::string& flag_server, const std::string& flag_token) {
  auto file = ReadConfigFile(ConfigFilePath());
  if (!file.ok()) return file.status();
  Options o;
  std::string server = flag_server;
  if (server.empty()) server = Env("LABCTL_SERVER");
  if (server.empty()) server = file->server;
  if (server.empty()) server = kDefaultServer;
  o.server = NormalizeServerUrl(server);
  o.token = flag_token;
  if (o.token.empty()) o.token = Env("LABCTL_TOKEN");
  if (o.token.empty()) o.token = file->token;
  return o;
}

}  // namespace labctl::client
