// Server resolution for labctl: which labd to talk to and with which token.
//
// Server: --server flag > LABCTL_SERVER > config file > http://127.0.0.1:7450.
// Token:  --token flag > LABCTL_TOKEN > config file.
// The config file is YAML (`server: http://host:port`, optional `token: ...`) at
// $LABCTL_CONFIG, else $XDG_CONFIG_HOME/labctl/config, else ~/.config/labctl/config.
// Empty environment variables count as unset.
#pragma once

#include <string>

#include "api/status.h"
#include "client/client.h"

namespace labctl::client {

inline constexpr char kDefaultServer[] = "http://127.0.0.1:7450";

// The config file path that applies in this environment (it may not exist).
std::string ConfigFilePath();

// Resolves the options; flags are empty when not given. A config file that exists but does not
// parse is an error naming the file.
api::Result<Options> ResolveOptions(const std::string& flag_server, const std::string& flag_token);

// Accepts "host:port" and "http://host:port[/]"; returns the normalised http://host:port.
std::string NormalizeServerUrl(std::string url);

}  // namespace labctl::client
