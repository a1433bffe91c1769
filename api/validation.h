// Validation and defaulting of Lab, Session and Host objects (every field: docs/manifests.md).
//
// Validate* returns OK or an Invalid (422) Status whose causes name every offending field by its
// path (spec.nodes[1].interfaces[0].ipv4). Unknown fields are rejected. Default* fills the
// documented defaults (a Lab's from api/lab_spec.h, the one place that defines them; a Session's
// heartbeatTimeoutSeconds, ...) and is applied by the server before validation and storage.
#pragma once

#include <nlohmann/json.hpp>

#include "api/object.h"
#include "api/status.h"

namespace labctl::api {

// Fills a body's missing apiVersion, kind and metadata (and metadata.name from `path_name` when
// not empty); BadRequest when the body is not an object or names another version, kind or name.
Status CheckTypeMeta(json& o, Kind kind, const std::string& path_name);
void DefaultLab(json& lab);
void DefaultSession(json& session);
Status ValidateLab(const json& lab);
Status ValidateSession(const json& session);
Status ValidateHost(const json& host);  // docs/hosts.md
// Dispatches on kind; Events are validated for shape only.
void DefaultObject(Kind kind, json& o);
Status ValidateObject(Kind kind, const json& o);

// DNS-1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters.
bool IsDnsLabel(std::string_view s);

}  // namespace labctl::api
