#include "api/warm_pool.h"

#include <algorithm>
#include <cctype>

#include "api/spec_hash.h"

namespace labctl::api {

namespace {

constexpr char kSpareInfix[] = "-warm-";

std::string StringAt(const json& object, const char* section, const char* key) {
  const json* v = FieldAt(object, section, key);
  return v && v->is_string() ? v->get<std::string>() : "";
}

json SpecWithoutPool(const json& templ) {
  json spec = templ.value("spec", json::object());
  if (spec.is_object()) spec.erase("warmPool");
  return spec;
}

}  // namespace

int WarmPoolSize(const json& lab) {
  const json* pool = FieldAt(lab, "spec", "warmPool");
  if (!pool || !pool->is_object()) return 0;
  auto size = pool->find("size");
  if (size == pool->end() || !size->is_number_integer()) return 0;
  return static_cast<int>(std::clamp<int64_t>(size->get<int64_t>(), 0, kMaxWarmPoolSize));
}

std::string PoolTemplateOf(const json& lab) {
  const json* labels = FieldAt(lab, "metadata", "labels");
  if (!labels || !labels->is_object()) return "";
  auto it = labels->find(kWarmPoolLabel);
  return it != labels->end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<std::string> WarmPoolIndexKey(const json& lab) {
  std::string templ = PoolTemplateOf(lab);
  if (templ.empty()) return std::nullopt;
  return templ;
}

std::string SpareName(const std::string& templ, int index) {
  return templ + kSpareInfix + std::to_string(index);
}

bool IsSpareNameOf(const std::string& lab, const std::string& templ) {
  const std::string prefix = templ + kSpareInfix;
  if (templ.empty() || lab.size() <= prefix.size() || lab.compare(0, prefix.size(), prefix) != 0)
    return false;
  for (size_t i = prefix.size(); i < lab.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(lab[i]))) return false;
  return true;
}

std::string PoolSpecHash(const json& templ) { return SpecHash(SpecWithoutPool(templ)); }

json MakeSpare(const json& templ, int index) {
  const std::string templ_name = Name(templ);
  json spec = SpecWithoutPool(templ);
  spec["runPolicy"] = "Always";  // kept up with no holder
  return {{"apiVersion", templ.value("apiVersion", std::string(kApiVersion))},
          {"kind", "Lab"},
          {"metadata",
           {{"name", SpareName(templ_name, index)},
            {"labels", {{kWarmPoolLabel, templ_name}}},
            {"annotations", {{kWarmPoolHashAnnotation, PoolSpecHash(templ)}}}}},
          {"spec", std::move(spec)}};
}

bool SpareIsCurrent(const json& spare, const json& templ) {
  return Annotation(spare, kWarmPoolHashAnnotation) == PoolSpecHash(templ);
}

std::string SessionLab(const json& session) {
  return SessionLabOf(StringAt(session, "spec", "lab"), StringAt(session, "status", "lab"));
}

std::string SessionLabOf(const std::string& wanted, const std::string& held) {
  if (wanted.empty()) return "";
  return held == wanted || IsSpareNameOf(held, wanted) ? held : wanted;
}

void ValidateWarmPool(const json& spec, const json* name, FieldErrors& errs) {
  const json* pool = Find(spec, "warmPool");
  if (!pool || !ExpectObject(*pool, "spec.warmPool", errs)) return;
  RejectUnknownFields(*pool, "spec.warmPool", {"size"}, errs);
  const json* size = Find(*pool, "size");
  if (!size) return errs.Add("spec.warmPool.size", "required");
  if (!ExpectInteger(*size, "spec.warmPool.size", 0, kMaxWarmPoolSize, errs)) return;
  if (size->get<int64_t>() > 0 && name && name->is_string() &&
      name->get<std::string>().size() + kSpareSuffixRoom > 63)
    errs.Add("spec.warmPool.size", "a lab with a warm pool needs a name of at most " +
                                       std::to_string(63 - kSpareSuffixRoom) +
                                       " characters (its spares are named <name>-warm-<k>)");
}

}  // namespace labctl::api
