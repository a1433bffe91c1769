// LabdFlags: labd's command line (docs/api.md, labd flags) and its defaults.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "api/status.h"

namespace labctl::server {

struct LabdFlags {
  std::string listen_host = "127.0.0.1";
  int listen_port = 7450;
  std::string data_dir;  // default: /var/lib/labctl as root, else ~/.local/state/labctl
  std::string docker_host = "unix:///var/run/docker.sock";
  int slots = 1;
  std::string tokens_file;
  std::string tls_cert;   // PEM certificate chain: serve HTTPS (with tls_key)
  std::string tls_key;    // PEM private key of tls_cert
  std::string client_ca;  // PEM CA: clients must present a certificate it signed
  std::string log_level = "info";
  size_t history_limit = 100'000;
  size_t history_bytes = 64 << 20;  // memory the change history may hold (estimated)
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(60)};
  int max_watchers = 1024;
  // HTTP connection limits (docs/api.md "Connections and limits").
  size_t max_connections = 0;  // 0: 10000, or 256 below the fd limit if that is lower
  size_t max_client_connections = 2048;
  int max_streams = 64;
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  std::string synchronous = "NORMAL";
  // Labels every Docker object labd creates; labds sharing one engine touch only their own.
  // Empty: derived from the data directory's absolute path (docker::InstanceForDataDir).
  std::string instance;
  // The netlab program (a name looked up in PATH, or a path) and the HOME it runs with ("":
  // labd's own).
  std::string netlab = "netlab";
  std::string netlab_home;
  // Orphan sweep: only labs named with this prefix (tests sharing one dockerd).
  std::string orphan_lab_prefix;
  bool neops_facade = true;    // serve the Neops Remote Lab API at the root
  bool lab_controller = true;  // false: API and sessions only (labs are never realised)
  bool help = false;
  bool version = false;
};

// BadRequest with a one-line reason on unknown flags or bad values (labd then exits 2).
// Checks flags that only make sense together (--tls-cert and --tls-key, --client-ca needs them)
// and that a non-loopback --listen has TLS and authentication.
api::Result<LabdFlags> ParseLabdFlags(const std::vector<std::string>& args);
std::string LabdUsage();
// Flags that only make sense together, and TLS plus authentication off loopback.
api::Status CheckListenSecurity(const LabdFlags& flags);
std::string DefaultDataDir();
// A byte count: plain bytes, or with a suffix Ki, Mi or Gi ("64Mi").
api::Result<size_t> ParseByteSize(const std::string& flag, const std::string& text);

}  // namespace labctl::server
