// FieldErrors: collects validation causes (field path + message) and offers the small type
// checks every validator repeats. Each Expect* adds a cause and returns false when the value
// has the wrong type or range, so callers skip deeper checks of that field only.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "api/object.h"
#include "api/status.h"

namespace labctl::api {

class FieldErrors {
 public:
  void Add(std::string field, std::string message) {
    causes_.push_back({std::move(field), std::move(message)});
  }
  bool empty() const { return causes_.empty(); }
  const std::vector<Cause>& causes() const { return causes_; }

 private:
  std::vector<Cause> causes_;
};

// Path builders: Child("spec", "nodes") = "spec.nodes"; At("spec.nodes", 1) = "spec.nodes[1]";
// Key("spec.nodes[0].env", "FOO") = "spec.nodes[0].env[FOO]".
std::string Child(const std::string& path, std::string_view key);
std::string At(const std::string& path, size_t index);
std::string Key(const std::string& path, std::string_view key);

// Quoted value for messages: "abc" for strings, the JSON text otherwise.
std::string Show(const json& v);

bool ExpectObject(const json& v, const std::string& path, FieldErrors& errs);
bool ExpectArray(const json& v, const std::string& path, FieldErrors& errs);
bool ExpectString(const json& v, const std::string& path, FieldErrors& errs);
bool ExpectNonEmptyString(const json& v, const std::string& path, FieldErrors& errs);
bool ExpectBool(const json& v, const std::string& path, FieldErrors& errs);
bool ExpectInteger(const json& v, const std::string& path, int64_t min, int64_t max,
                   FieldErrors& errs);
bool ExpectNumber(const json& v, const std::string& path, double min, double max,
                  FieldErrors& errs);
bool ExpectStringArray(const json& v, const std::string& path, FieldErrors& errs);
// An object whose every value is a string.
bool ExpectStringMap(const json& v, const std::string& path, FieldErrors& errs);
// A DNS-1123 label (names of labs, networks, nodes).
bool ExpectDnsLabel(const json& v, const std::string& path, FieldErrors& errs);
// Adds "unknown field" for every key of `obj` not in `known`.
void RejectUnknownFields(const json& obj, const std::string& path,
                         std::initializer_list<std::string_view> known, FieldErrors& errs);
// The value at `key` of an object, or nullptr when absent or null (null means unset).
const json* Find(const json& obj, std::string_view key);

}  // namespace labctl::api
