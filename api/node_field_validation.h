// Internal to validation: the per-node container fields of a Lab node (image, command, env,
// capAdd, sysctls, privileged, binds, group, readiness, routes) and the node's known-field list.
// Interfaces, NAT and cross-node references are checked in lab_node_validation.cpp.
#pragma once

#include <string>

#include "api/field_errors.h"

namespace labctl::api {

void ValidateNodeFields(const json& node, const std::string& path, bool image_required,
                        FieldErrors& errs);

}  // namespace labctl::api
