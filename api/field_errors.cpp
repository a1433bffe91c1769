#include "api/field_errors.h"

#include <cmath>

#include "api/validation.h"

namespace labctl::api {

std::string Child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
std::string At(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}
std::string Key(const std::string& path, std::string_view key) {
  return path + "[" + std::string(key) + "]";
}

std::string Show(const json& v) {
  return v.is_string() ? "\"" + v.get<std::string>() + "\"" : v.dump();
}

namespace {
const char* TypeName(const json& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  return v.type_name();
}
bool WrongType(const json& v, const std::string& path, const char* want, FieldErrors& errs) {
  errs.Add(path, std::string("must be ") + want + ", got " + TypeName(v));
  return false;
}
}  // namespace

bool ExpectObject(const json& v, const std::string& path, FieldErrors& errs) {
  return v.is_object() || WrongType(v, path, "an object", errs);
}
bool ExpectArray(const json& v, const std::string& path, FieldErrors& errs) {
  return v.is_array() || WrongType(v, path, "an array", errs);
}
bool ExpectString(const json& v, const std::string& path, FieldErrors& errs) {
  return v.is_string() || WrongType(v, path, "a string", errs);
}
bool ExpectNonEmptyString(const json& v, const std::string& path, FieldErrors& errs) {
  if (!ExpectString(v, path, errs)) return false;
  if (!v.get_ref<const std::string&>().empty()) return true;
  errs.Add(path, "must not be empty");
  return false;
}
bool ExpectBool(const json& v, const std::string& path, FieldErrors& errs) {
  return v.is_boolean() || WrongType(v, path, "a boolean", errs);
}

bool ExpectInteger(const json& v, const std::string& path, int64_t min, int64_t max,
                   FieldErrors& errs) {
  if (!v.is_number_integer()) return WrongType(v, path, "an integer", errs);
  // Above INT64_MAX nlohmann keeps an unsigned: out of every range, never clamped into one.
  const bool too_big = v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX);
  const int64_t n = too_big ? 0 : v.get<int64_t>();
  if (!too_big && n >= min && n <= max) return true;
  const std::string got = v.dump();
  if (max == INT64_MAX)
    errs.Add(path, "must be >= " + std::to_string(min) + ", got " + got);
  else
    errs.Add(path, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                       ", got " + got);
  return false;
}

bool ExpectNumber(const json& v, const std::string& path, double min, double max,
                  FieldErrors& errs) {
  if (!v.is_number()) return WrongType(v, path, "a number", errs);
  double d = v.get<double>();
  if (std::isfinite(d) && d >= min && d <= max) return true;
  auto text = [](double x) {
    return x == static_cast<double>(static_cast<int64_t>(x))
               ? std::to_string(static_cast<int64_t>(x))
               : json(x).dump();
  };
  errs.Add(path, "must be between " + text(min) + " and " + text(max) + ", got " + v.dump());
  return false;
}

bool ExpectStringArray(const json& v, const std::string& path, FieldErrors& errs) {
  if (!ExpectArray(v, path, errs)) return false;
  bool ok = true;
  for (size_t i = 0; i < v.size(); ++i) ok = ExpectString(v[i], At(path, i), errs) && ok;
  return ok;
}

bool ExpectStringMap(const json& v, const std::string& path, FieldErrors& errs) {
  if (!ExpectObject(v, path, errs)) return false;
  bool ok = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it.value().is_string()) continue;
    errs.Add(Key(path, it.key()), "must be a string (quote it: \"" +
                                      (it.value().is_string() ? "" : it.value().dump()) + "\")");
    ok = false;
  }
  return ok;
}

bool ExpectDnsLabel(const json& v, const std::string& path, FieldErrors& errs) {
  if (!ExpectNonEmptyString(v, path, errs)) return false;
  const auto& s = v.get_ref<const std::string&>();
  if (IsDnsLabel(s)) return true;
  errs.Add(path, Show(v) +
                     " is not a valid name: lower-case letters, digits and '-', starting and "
                     "ending with a letter or digit, at most 63 characters");
  return false;
}

void RejectUnknownFields(const json& obj, const std::string& path,
                         std::initializer_list<std::string_view> known, FieldErrors& errs) {
  if (!obj.is_object()) return;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool found = false;
    for (auto k : known) found = found || k == it.key();
    if (!found) errs.Add(Child(path, it.key()), "unknown field");
  }
}

const json* Find(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

}  // namespace labctl::api
