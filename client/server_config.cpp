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

using FileConfig = GlobalFlagValues;

void ReadString(const api::json& doc, const char* key, std::string* out) {
  if (doc.contains(key) && doc[key].is_string()) *out = doc[key];
}

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
    ReadString(*doc, "server", &c.server);
    ReadString(*doc, "token", &c.token);
    ReadString(*doc, "certificate-authority", &c.certificate_authority);
    ReadString(*doc, "client-certificate", &c.client_certificate);
    ReadString(*doc, "client-key", &c.client_key);
    if (doc->contains("insecure-skip-tls-verify")) {
      const auto& v = (*doc)["insecure-skip-tls-verify"];
      if (!v.is_boolean())
        return api::Status::BadRequest("config file " + path +
                                       ": insecure-skip-tls-verify must be true or false");
      c.insecure_skip_tls_verify = v.get<bool>();
    }
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

api::Result<Options> ResolveOptions(const GlobalFlagValues& flags, TlsSettings* tls) {
  auto file = ReadConfigFile(ConfigFilePath());
  if (!file.ok()) return file.status();
  Options o;
  std::string server = flags.server;
  if (server.empty()) server = Env("LABCTL_SERVER");
  if (server.empty()) server = file->server;
  if (server.empty()) server = kDefaultServer;
  o.server = NormalizeServerUrl(server);
  o.token = flags.token;
  if (o.token.empty()) o.token = Env("LABCTL_TOKEN");
  if (o.token.empty()) o.token = file->token;
  auto pick = [](const std::string& flag, const std::string& from_file) {
    return flag.empty() ? from_file : flag;
  };
  tls->certificate_authority = pick(flags.certificate_authority, file->certificate_authority);
  tls->client_certificate = pick(flags.client_certificate, file->client_certificate);
  tls->client_key = pick(flags.client_key, file->client_key);
  tls->insecure_skip_verify = flags.insecure_skip_tls_verify || file->insecure_skip_tls_verify;
  if (tls->client_certificate.empty() != tls->client_key.empty())
    return api::Status::BadRequest("--client-certificate and --client-key go together");
  return o;
}

}  // namespace labctl::client
