// Object builders shared by the runtime tests (stores and polling come from tests/support).
#pragma once

#include <string>

#include "api/object.h"

namespace labctl::runtime::testutil {

inline api::json LabNamed(const std::string& name) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Lab"},
          {"metadata", {{"name", name}}},
          {"spec", api::json::object()}};
}

inline api::json SessionFor(const std::string& name, const std::string& lab) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Session"},
          {"metadata", {{"name", name}}},
          {"spec", {{"lab", lab}}}};
}

}  // namespace labctl::runtime::testutil
