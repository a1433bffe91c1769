#include "api/host_access_policy.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "api/field_errors.h"
#include "api/file_paths.h"

namespace labctl::api {
namespace {

using Ask = HostRequest::Kind;

// Docker's default capability set (moby's oci/caps/defaults.go) plus NET_ADMIN, which acts on
// the container's own network namespace only. Deliberately absent: SYS_ADMIN, SYS_MODULE,
// SYS_PTRACE, SYS_RAWIO, DAC_READ_SEARCH, SYS_BOOT, SYS_TIME, BPF, PERFMON, ... (each reaches
// the host kernel or other processes).
constexpr std::array<std::string_view, 15> kSafeCapabilities = {
    "AUDIT_WRITE", "CHOWN",   "DAC_OVERRIDE",     "FOWNER",     "FSETID",
    "KILL",        "MKNOD",   "NET_BIND_SERVICE", "NET_RAW",    "SETFCAP",
    "SETGID",      "SETPCAP", "SETUID",           "SYS_CHROOT", "NET_ADMIN"};

// Splits "a:b:c" at ':' (the separator of bind strings and of path lists in grants).
std::vector<std::string> SplitColons(std::string_view s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t colon = s.find(':', start);
    parts.emplace_back(s.substr(start, colon == std::string_view::npos ? colon : colon - start));
    if (colon == std::string_view::npos) return parts;
    start = colon + 1;
  }
}

Status BadGrant(std::string_view key, const std::string& why) {
  return Status::BadRequest("host-access grant " + std::string(key) + ": " + why);
}

Status ParseFlag(std::string_view key, std::string_view value, bool& flag) {
  if (value != "true" && value != "false") return BadGrant(key, "want true or false");
  flag = value == "true";
  return Status::Ok();
}

Status ParseDirs(std::string_view key, std::string_view value, std::vector<std::string>& dirs) {
  for (const std::string& dir : SplitColons(value)) {
    if (!IsNormalAbsolutePath(dir))
      return BadGrant(key, "\"" + dir + "\" is not a normal absolute path");
    dirs.push_back(dir);
  }
  return Status::Ok();
}

Status ParseCapabilities(std::string_view key, std::string_view value, HostAccessGrant& grant) {
  for (const std::string& cap : SplitColons(value)) {
    std::string name = CanonicalCapability(cap);
    bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isupper(static_cast<unsigned char>(c)) || c == '_';
    });
    if (!ok) return BadGrant(key, "\"" + cap + "\" is not a capability name");
    if (name == "ALL")
      grant.all_capabilities = true;
    else
      grant.capabilities.insert(name);
  }
  return Status::Ok();
}

void AddBindRequests(const json& binds, const std::string& path, std::vector<HostRequest>& out) {
  if (!binds.is_array()) return;
  for (size_t i = 0; i < binds.size(); ++i) {
    std::vector<std::string> parts =
        SplitColons(binds[i].is_string() ? binds[i].get<std::string>() : binds[i].dump());
    const std::string& source = parts.front();
    bool read_only = parts.size() == 3 && parts[2] == "ro";
    // The docker provider hands a relative source to Docker, which makes it a named volume; no
    // provider resolves lab files (Ask::kLabFile) yet.
    Ask kind = !source.empty() && source.front() == '/' ? Ask::kBind : Ask::kVolume;
    out.push_back({kind, At(path, i), source, read_only});
  }
}

bool BindAllowed(const HostRequest& r, const HostAccessGrant& grant) {
  auto within = [&](const std::string& dir) { return IsPathWithin(r.value, dir); };
  return std::any_of(grant.bind_dirs.begin(), grant.bind_dirs.end(), within) ||
         (r.read_only && std::any_of(grant.ro_bind_dirs.begin(), grant.ro_bind_dirs.end(), within));
}

// Why `r` is refused under `grant`; "" when it is allowed.
std::string Refusal(const HostRequest& r, const HostAccessGrant& grant) {
  const std::string quoted = "\"" + r.value + "\"";
  switch (r.kind) {
    case Ask::kPrivileged:
      if (grant.privileged) return "";
      return "a privileged container is root on the host: needs the grant privileged=true";
    case Ask::kCapability:
      if (IsSafeCapability(r.value) || grant.all_capabilities || grant.capabilities.count(r.value))
        return "";
      return "capability " + quoted +
             " is outside the safe set (Docker's defaults and NET_ADMIN): needs the grant caps=" +
             r.value;
    case Ask::kBind:
      if (!IsNormalAbsolutePath(r.value))
        return "host path " + quoted +
               " must be a normal absolute path (no '.', '..' or empty component)";
      if (BindAllowed(r, grant)) return "";
      return "host path " + quoted + " is outside the directories this token may bind" +
             (r.read_only ? " (grants binds=DIR, binds-ro=DIR)" : " read-write (grant binds=DIR)");
    case Ask::kVolume:
      if (grant.volumes) return "";
      return "named Docker volume " + quoted +
             " needs the grant volumes=true (a volume can be made to bind any host path)";
    case Ask::kLabFile:
      if (IsSafeRelativePath(r.value)) return "";
      return quoted + " must stay inside the lab's directory (a relative path without '..')";
    case Ask::kHostNamespace:
      if (grant.host_namespaces) return "";
      return "the host's " + r.value + " namespace needs the grant host-namespaces=true";
    case Ask::kDevice:
      if (grant.devices) return "";
      return "host device " + quoted + " needs the grant devices=true";
  }
  return "unknown host request";
}

}  // namespace

HostAccessGrant HostAccessGrant::All() {
  HostAccessGrant g;
  g.privileged = g.host_namespaces = g.devices = g.volumes = g.all_capabilities = true;
  g.bind_dirs = {"/"};
  return g;
}

Status AddGrantField(HostAccessGrant& grant, std::string_view key, std::string_view value) {
  if (key == "host-access") {
    if (value == "all") {
      grant = HostAccessGrant::All();
      return Status::Ok();
    }
    if (value == "none") return Status::Ok();
    return BadGrant(key, "want all or none");
  }
  if (key == "privileged") return ParseFlag(key, value, grant.privileged);
  if (key == "host-namespaces") return ParseFlag(key, value, grant.host_namespaces);
  if (key == "devices") return ParseFlag(key, value, grant.devices);
  if (key == "volumes") return ParseFlag(key, value, grant.volumes);
  if (key == "caps") return ParseCapabilities(key, value, grant);
  if (key == "binds") return ParseDirs(key, value, grant.bind_dirs);
  if (key == "binds-ro") return ParseDirs(key, value, grant.ro_bind_dirs);
  return BadGrant(key,
                  "unknown key (want host-access, privileged, host-namespaces, devices, volumes, "
                  "caps, binds or binds-ro)");
}

std::string CanonicalCapability(std::string_view name) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper.starts_with("CAP_") ? upper.substr(4) : upper;
}

bool IsSafeCapability(std::string_view canonical_name) {
  return std::find(kSafeCapabilities.begin(), kSafeCapabilities.end(), canonical_name) !=
         kSafeCapabilities.end();
}

std::vector<HostRequest> HostRequestsOf(const json& lab) {
  std::vector<HostRequest> out;
  const json* spec = lab.is_object() ? Find(lab, "spec") : nullptr;
  const json* nodes = spec && spec->is_object() ? Find(*spec, "nodes") : nullptr;
  if (!nodes || !nodes->is_array()) return out;
  for (size_t n = 0; n < nodes->size(); ++n) {
    const json& node = (*nodes)[n];
    if (!node.is_object()) continue;
    const std::string path = At("spec.nodes", n);
    const json* privileged = Find(node, "privileged");
    if (privileged && *privileged != json(false))
      out.push_back({Ask::kPrivileged, Child(path, "privileged"), "true"});
    if (const json* caps = Find(node, "capAdd"); caps && caps->is_array()) {
      for (size_t i = 0; i < caps->size(); ++i) {
        const json& cap = (*caps)[i];
        out.push_back({Ask::kCapability, At(Child(path, "capAdd"), i),
                       CanonicalCapability(cap.is_string() ? cap.get<std::string>() : "")});
      }
    }
    if (const json* binds = Find(node, "binds")) AddBindRequests(*binds, Child(path, "binds"), out);
  }
  return out;
}

Status CheckHostRequests(const std::vector<HostRequest>& requests, const HostAccessGrant& grant) {
  std::vector<Cause> refused;
  for (const auto& r : requests) {
    std::string why = Refusal(r, grant);
    if (!why.empty()) refused.push_back({r.field, std::move(why)});
  }
  if (refused.empty()) return Status::Ok();
  std::string message =
      "host access not granted: " + refused.front().field + ": " + refused.front().message;
  if (refused.size() > 1) message += " (and " + std::to_string(refused.size() - 1) + " more)";
  return Status(Code::kForbidden, "Forbidden", std::move(message), std::move(refused));
}

Status CheckHostAccess(const json& lab, const HostAccessGrant& grant) {
  return CheckHostRequests(HostRequestsOf(lab), grant);
}

}  // namespace labctl::api
