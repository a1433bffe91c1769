// Host: one Docker engine labd places Labs on (docs/hosts.md). This module reads and validates a
// Host's spec and reads what the Host controller reports in its status, so no other module
// spells out their JSON paths. The engine labd is started with (--docker-host) is the Host
// kLocalHost, which labd creates itself.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "api/field_errors.h"
#include "api/object.h"

namespace labctl::api {

inline constexpr char kLocalHost[] = "local";
// On the Host labd made for --docker-host: labd owns its spec.endpoint.
inline constexpr char kImplicitHostAnnotation[] = "labctl.dev/implicit";

// spec.tls: client certificate, key and the CA that signed the engine's certificate, as files
// on labd's machine (as `docker --tlsverify --tlscacert --tlscert --tlskey` takes them).
struct HostTls {
  std::string ca;
  std::string cert;
  std::string key;
};

struct HostSpec {
  std::string endpoint;  // unix:///path or tcp://host:port
  std::optional<HostTls> tls;
  int capacity_labs = 0;   // 0: no limit
  int capacity_nodes = 0;  // 0: no limit
  bool unschedulable = false;
};

HostSpec ReadHostSpec(const json& host);
void ValidateHostSpec(const json& spec, FieldErrors& errs);

// What a Host's status says (written by the Host controller).
bool HostReady(const json& host);

}  // namespace labctl::api
