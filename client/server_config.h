// Server resolution for labctl: which labd to talk to and with which token.
//
// Server: --server flag > LABCTL_SERVER > config file > http://127.0.0.1:7450.
// Token:  --token flag > LABCTL_TOKEN > config file.
// TLS (https:// servers): --certificate-authority, --insecure-skip-tls-verify,
// --client-certificate and --client-key, each > the config file's key of the same name.
// The config file is YAML (`server: https://host:port`, optional `token: ...` and the TLS keys)
// at $LABCTL_CONFIG, else $XDG_CONFIG_HOME/labctl/config, else ~/.config/labctl/config.
// Empty environment variables count as unset.
#pragma once

#include <string>

#include "api/status.h"
#include "client/client.h"
#include "client/tls_settings.h"

namespace labctl::client {

inline constexpr char kDefaultServer[] = "http://127.0.0.1:7450";

// The config file path that applies in this environment (it may not exist).
std::string ConfigFilePath();

// The global flags as given on the command line; empty (false) when not given.
struct GlobalFlagValues {
  std::string server;
  std::string token;
  std::string certificate_authority;
  bool insecure_skip_tls_verify = false;
  std::string client_certificate;
  std::string client_key;
};

// Resolves the options, and the TLS settings into `tls`. A config file that exists but does not
// parse, or a client certificate without its key, is an error naming the file or flag.
api::Result<Options> ResolveOptions(const GlobalFlagValues& flags, TlsSettings* tls);

// Accepts "host:port", "http://host:port[/]" and "https://host:port[/]"; returns the normalised
// URL (http:// when no scheme was given).
std::string NormalizeServerUrl(std::string url);

}  // namespace labctl::client
