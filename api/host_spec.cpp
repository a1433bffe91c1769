#include "api/host_spec.h"

#include <cstdlib>

namespace labctl::api {
namespace {

constexpr int kMaxCapacity = 100000;

int CapacityOf(const json& spec, const char* key) {
  const json* capacity = Find(spec, "capacity");
  if (!capacity || !capacity->is_object()) return 0;
  const json* v = Find(*capacity, key);
  return v && v->is_number_integer() ? v->get<int>() : 0;
}

// "host:port" with a non-empty host and a port 1..65535.
bool IsHostPort(const std::string& s) {
  size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return false;
  std::string port = s.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5) return false;
  int n = std::atoi(port.c_str());
  return n >= 1 && n <= 65535 && s.find('/') == std::string::npos;
}

void ValidateEndpoint(const json& spec, FieldErrors& errs) {
  const json* endpoint = Find(spec, "endpoint");
  if (!endpoint) return errs.Add("spec.endpoint", "required (unix:///path or tcp://host:port)");
  if (!ExpectNonEmptyString(*endpoint, "spec.endpoint", errs)) return;
  const std::string& e = endpoint->get_ref<const std::string&>();
  const bool unix_socket = e.rfind("unix:///", 0) == 0 && e.size() > 8;
  const bool tcp = e.rfind("tcp://", 0) == 0 && IsHostPort(e.substr(6));
  if (!unix_socket && !tcp)
    errs.Add("spec.endpoint",
             Show(*endpoint) + " is not unix:///absolute/path nor tcp://host:port");
  if (unix_socket && Find(spec, "tls"))
    errs.Add("spec.tls", "only for tcp:// endpoints (a unix socket is not TLS)");
}

void ValidateTls(const json& spec, FieldErrors& errs) {
  const json* tls = Find(spec, "tls");
  if (!tls || !ExpectObject(*tls, "spec.tls", errs)) return;
  RejectUnknownFields(*tls, "spec.tls", {"ca", "cert", "key"}, errs);
  for (const char* key : {"ca", "cert", "key"}) {
    const std::string path = Child("spec.tls", key);
    const json* file = Find(*tls, key);
    if (!file)
      errs.Add(path, "required: a file path on labd's machine");
    else if (ExpectNonEmptyString(*file, path, errs) &&
             file->get_ref<const std::string&>()[0] != '/')
      errs.Add(path, Show(*file) + " is not an absolute path");
  }
}

void ValidateCapacity(const json& spec, FieldErrors& errs) {
  const json* capacity = Find(spec, "capacity");
  if (!capacity || !ExpectObject(*capacity, "spec.capacity", errs)) return;
  RejectUnknownFields(*capacity, "spec.capacity", {"labs", "nodes"}, errs);
  for (const char* key : {"labs", "nodes"})
    if (const json* v = Find(*capacity, key))
      ExpectInteger(*v, Child("spec.capacity", key), 1, kMaxCapacity, errs);
}

}  // namespace

HostSpec ReadHostSpec(const json& host) {
  HostSpec out;
  const json* spec = host.is_object() ? Find(host, "spec") : nullptr;
  if (!spec || !spec->is_object()) return out;
  out.endpoint = spec->value("endpoint", "");
  if (const json* tls = Find(*spec, "tls"); tls && tls->is_object())
    out.tls = HostTls{tls->value("ca", ""), tls->value("cert", ""), tls->value("key", "")};
  out.capacity_labs = CapacityOf(*spec, "labs");
  out.capacity_nodes = CapacityOf(*spec, "nodes");
  out.unschedulable = spec->value("unschedulable", false);
  return out;
}

void ValidateHostSpec(const json& spec, FieldErrors& errs) {
  if (!ExpectObject(spec, "spec", errs)) return;
  RejectUnknownFields(spec, "spec", {"endpoint", "tls", "capacity", "unschedulable"}, errs);
  ValidateEndpoint(spec, errs);
  ValidateTls(spec, errs);
  ValidateCapacity(spec, errs);
  if (const json* p = Find(spec, "unschedulable")) ExpectBool(*p, "spec.unschedulable", errs);
}

bool HostReady(const json& host) { return IsConditionTrue(host, "Ready"); }

}  // namespace labctl::api
