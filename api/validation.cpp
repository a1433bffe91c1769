#include "api/validation.h"

#include <cctype>

#include "api/field_errors.h"
#include "api/host_spec.h"
#include "api/input_limits.h"
#include "api/lab_spec.h"
#include "api/lab_validation.h"
#include "api/labels.h"
#include "api/warm_pool.h"

namespace labctl::api {

namespace {

// Sets obj[key] = value when the key is absent or null.
void SetDefault(json& obj, const char* key, const json& value) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) obj[key] = value;
}

bool IsDnsPrefix(const std::string& s) {
  if (s.empty() || s.size() > 58) return false;
  if (!std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

void ValidateStringMapKeys(const json& m, const std::string& path, bool check_values,
                           FieldErrors& errs) {
  ExpectStringMap(m, path, errs);
  if (!m.is_object()) return;
  for (auto it = m.begin(); it != m.end(); ++it) {
    if (!IsLabelKey(it.key()))
      errs.Add(Key(path, it.key()),
               "invalid key: [prefix/]name with name 1-63 characters of [A-Za-z0-9-_.]");
    else if (check_values && it.value().is_string() && !IsLabelValue(it.value().get<std::string>()))
      errs.Add(Key(path, it.key()), "invalid value " + Show(it.value()) +
                                        ": at most 63 characters of [A-Za-z0-9-_.], starting and "
                                        "ending alphanumeric");
  }
}

// Events are named <object>.<suffix> as in Kubernetes: a DNS subdomain, not a label.
void ValidateMetadata(const json& o, bool subdomain_name, FieldErrors& errs) {
  const json* meta = Find(o, "metadata");
  if (!meta) return errs.Add("metadata", "required");
  if (!ExpectObject(*meta, "metadata", errs)) return;
  RejectUnknownFields(
      *meta, "metadata",
      {"name", "generateName", "uid", "resourceVersion", "generation", "creationTimestamp",
       "deletionTimestamp", "labels", "annotations", "finalizers"},
      errs);
  const json* name = Find(*meta, "name");
  const json* generate = Find(*meta, "generateName");
  if (name && subdomain_name) {
    if (ExpectString(*name, "metadata.name", errs) && !IsDnsSubdomain(name->get<std::string>()))
      errs.Add("metadata.name", Show(*name) + " is not a valid name: a DNS subdomain");
  } else if (name) {
    ExpectDnsLabel(*name, "metadata.name", errs);
  } else if (!generate)
    errs.Add("metadata.name", "required (or give metadata.generateName)");
  if (generate && ExpectString(*generate, "metadata.generateName", errs) &&
      !IsDnsPrefix(generate->get<std::string>()))
    errs.Add("metadata.generateName",
             Show(*generate) +
                 " is not a valid name prefix: lower-case letters, digits and '-', "
                 "starting with a letter or digit, at most 58 characters");
  for (const char* key : {"uid", "resourceVersion", "creationTimestamp", "deletionTimestamp"})
    if (const json* p = Find(*meta, key)) ExpectString(*p, Child("metadata", key), errs);
  if (const json* p = Find(*meta, "generation"))
    ExpectInteger(*p, "metadata.generation", 0, INT64_MAX, errs);
  if (const json* p = Find(*meta, "labels"))
    ValidateStringMapKeys(*p, "metadata.labels", true, errs);
  if (const json* p = Find(*meta, "annotations"))
    ValidateStringMapKeys(*p, "metadata.annotations", false, errs);
  if (const json* p = Find(*meta, "finalizers");
      p && ExpectStringArray(*p, "metadata.finalizers", errs)) {
    for (size_t i = 0; i < p->size(); ++i)
      if (!IsLabelKey((*p)[i].get<std::string>()))
        errs.Add(At("metadata.finalizers", i), "not a qualified name (like labctl.dev/teardown)");
  }
}

void ValidateTypeMeta(const json& o, Kind kind, FieldErrors& errs) {
  const json* api_version = Find(o, "apiVersion");
  if (!api_version)
    errs.Add("apiVersion", std::string("required (") + kApiVersion + ")");
  else if (ExpectString(*api_version, "apiVersion", errs) && *api_version != kApiVersion)
    errs.Add("apiVersion", "unsupported value " + Show(*api_version) + ": must be " + kApiVersion);
  const json* k = Find(o, "kind");
  if (!k)
    errs.Add("kind", std::string("required (") + KindName(kind) + ")");
  else if (ExpectString(*k, "kind", errs) && *k != KindName(kind))
    errs.Add("kind", "must be " + std::string(KindName(kind)) + ", got " + Show(*k));
}

Status ToStatus(const json& o, Kind kind, FieldErrors& errs) {
  if (errs.empty()) return Status::Ok();
  std::string name = Name(o);
  if (name.empty() && o.is_object() && o.contains("metadata") && o["metadata"].is_object()) {
    const json* generate = Find(o["metadata"], "generateName");
    if (generate && generate->is_string()) name = generate->get<std::string>();
  }
  const Cause& first = errs.causes().front();
  return Status::Invalid(std::string(KindName(kind)) + " \"" + name +
                             "\" is invalid: " + first.field + ": " + first.message,
                         errs.causes());
}

void ValidateSessionSpec(const json& o, FieldErrors& errs) {
  const json* spec = Find(o, "spec");
  if (!spec || !ExpectObject(*spec, "spec", errs)) return;
  RejectUnknownFields(*spec, "spec",
                      {"lab", "holder", "heartbeatTimeoutSeconds", "queueTimeoutSeconds",
                       "ttlSecondsAfterFinished"},
                      errs);
  if (const json* p = Find(*spec, "lab")) ExpectDnsLabel(*p, "spec.lab", errs);
  if (const json* p = Find(*spec, "holder");
      p && ExpectString(*p, "spec.holder", errs) && p->get_ref<const std::string&>().size() > 256)
    errs.Add("spec.holder", "must be at most 256 characters");
  if (const json* p = Find(*spec, "heartbeatTimeoutSeconds"))
    ExpectInteger(*p, "spec.heartbeatTimeoutSeconds", 1, 86400, errs);
  if (const json* p = Find(*spec, "queueTimeoutSeconds"))
    ExpectInteger(*p, "spec.queueTimeoutSeconds", 1, kMaxDurationSeconds, errs);
  if (const json* p = Find(*spec, "ttlSecondsAfterFinished"))
    ExpectInteger(*p, "spec.ttlSecondsAfterFinished", 0, kMaxDurationSeconds, errs);
}

Status ValidateEvent(const json& o) {
  FieldErrors errs;
  if (!ExpectObject(o, "", errs)) return ToStatus(o, Kind::kEvent, errs);
  ValidateTypeMeta(o, Kind::kEvent, errs);
  ValidateMetadata(o, true, errs);
  const json* involved = Find(o, "involvedObject");
  if (!involved) {
    errs.Add("involvedObject", "required");
  } else if (ExpectObject(*involved, "involvedObject", errs)) {
    for (const char* key : {"kind", "name"}) {
      const json* p = Find(*involved, key);
      if (!p)
        errs.Add(Child("involvedObject", key), "required");
      else
        ExpectNonEmptyString(*p, Child("involvedObject", key), errs);
    }
  }
  const json* type = Find(o, "type");
  if (!type)
    errs.Add("type", "required (Normal or Warning)");
  else if (ExpectString(*type, "type", errs) && *type != "Normal" && *type != "Warning")
    errs.Add("type", "unsupported value " + Show(*type) + ": must be Normal or Warning");
  if (const json* p = Find(o, "reason")) ExpectString(*p, "reason", errs);
  if (const json* p = Find(o, "message")) ExpectString(*p, "message", errs);
  if (const json* p = Find(o, "count")) ExpectInteger(*p, "count", 1, INT64_MAX, errs);
  for (const char* key : {"firstTimestamp", "lastTimestamp"}) {
    TimePoint t;
    if (const json* p = Find(o, key);
        p && ExpectString(*p, key, errs) && !ParseTime(p->get<std::string>(), &t))
      errs.Add(key, Show(*p) + " is not an RFC 3339 time");
  }
  return ToStatus(o, Kind::kEvent, errs);
}

}  // namespace

bool IsDnsLabel(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s)
    if (!alnum(c) && c != '-') return false;
  return true;
}

void DefaultLab(json& lab) {
  if (lab.is_object() && lab.contains("spec")) DefaultLabSpec(lab["spec"]);
}

void DefaultSession(json& session) {
  if (!session.is_object()) return;
  SetDefault(session, "spec", json::object());
  json& spec = session["spec"];
  if (!spec.is_object()) return;
  SetDefault(spec, "heartbeatTimeoutSeconds", 300);
  SetDefault(spec, "queueTimeoutSeconds", 600);
  SetDefault(spec, "ttlSecondsAfterFinished", 3600);
}

void DefaultObject(Kind kind, json& o) {
  if (kind == Kind::kLab) DefaultLab(o);
  if (kind == Kind::kSession) DefaultSession(o);
}

namespace {

// The checks every stored kind shares (an object; apiVersion, kind, metadata, spec and status
// only), then `body`'s own for the kind.
template <typename Body>
Status ValidateResource(const json& o, Kind kind, Body body) {
  FieldErrors errs;
  if (!ExpectObject(o, "", errs)) return ToStatus(o, kind, errs);
  RejectUnknownFields(o, "", {"apiVersion", "kind", "metadata", "spec", "status"}, errs);
  ValidateTypeMeta(o, kind, errs);
  ValidateMetadata(o, false, errs);
  body(errs);
  return ToStatus(o, kind, errs);
}

}  // namespace

Status ValidateLab(const json& lab) {
  return ValidateResource(lab, Kind::kLab, [&](FieldErrors& errs) {
    const json* spec = Find(lab, "spec");
    if (!spec) return errs.Add("spec", "required");
    ValidateLabSpec(*spec, errs);
    if (const json* selector = spec->is_object() ? Find(*spec, "hostSelector") : nullptr)
      ValidateStringMapKeys(*selector, "spec.hostSelector", true, errs);
    if (spec->is_object()) ValidateWarmPool(*spec, FieldAt(lab, "metadata", "name"), errs);
  });
}

Status ValidateSession(const json& session) {
  return ValidateResource(session, Kind::kSession,
                          [&](FieldErrors& errs) { ValidateSessionSpec(session, errs); });
}

Status ValidateHost(const json& host) {
  return ValidateResource(host, Kind::kHost, [&](FieldErrors& errs) {
    const json* spec = Find(host, "spec");
    if (!spec) return errs.Add("spec", "required (spec.endpoint)");
    ValidateHostSpec(*spec, errs);
  });
}

Status ValidateObject(Kind kind, const json& o) {
  switch (kind) {
    case Kind::kLab:
      return ValidateLab(o);
    case Kind::kSession:
      return ValidateSession(o);
    case Kind::kEvent:
      return ValidateEvent(o);
    case Kind::kHost:
      return ValidateHost(o);
  }
  return Status::Ok();
}

// The server's first check of a body, before defaults and validation: the "kind" and
// "apiVersion" may be left out, anything else there is a client's mistake (400).
Status CheckTypeMeta(json& o, Kind kind, const std::string& path_name) {
  if (!o.is_object()) return Status::BadRequest("the body must be a JSON or YAML object");
  if (!o.contains("apiVersion")) o["apiVersion"] = kApiVersion;
  if (o["apiVersion"] != kApiVersion)
    return Status::BadRequest("apiVersion " + o["apiVersion"].dump() + " is not " + kApiVersion);
  if (!o.contains("kind")) o["kind"] = KindName(kind);
  if (o["kind"] != KindName(kind))
    return Status::BadRequest("kind " + o["kind"].dump() + " does not belong at " + Plural(kind));
  if (!o.contains("metadata") || o["metadata"].is_null()) o["metadata"] = json::object();
  if (!o["metadata"].is_object()) return Status::BadRequest("metadata must be an object");
  if (path_name.empty()) return Status::Ok();
  json& meta = o["metadata"];
  if (!meta.contains("name")) meta["name"] = path_name;
  if (meta["name"] != path_name) {
    return Status::BadRequest("metadata.name " + meta["name"].dump() +
                              " does not match the name in the path \"" + path_name + "\"");
  }
  return Status::Ok();
}

}  // namespace labctl::api
