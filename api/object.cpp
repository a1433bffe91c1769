#include "api/object.h"

#include <algorithm>
#include <cctype>

namespace labctl::api {

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kLab:
      return "Lab";
    case Kind::kSession:
      return "Session";
    case Kind::kEvent:
      return "Event";
    case Kind::kHost:
      return "Host";
  }
  return "";
}

const char* Plural(Kind k) {
  switch (k) {
    case Kind::kLab:
      return "labs";
    case Kind::kSession:
      return "sessions";
    case Kind::kEvent:
      return "events";
    case Kind::kHost:
      return "hosts";
  }
  return "";
}

std::optional<Kind> ParseKind(std::string_view s) {
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower == "lab" || lower == "labs") return Kind::kLab;
  if (lower == "session" || lower == "sessions" || lower == "sess") return Kind::kSession;
  if (lower == "event" || lower == "events" || lower == "ev") return Kind::kEvent;
  if (lower == "host" || lower == "hosts") return Kind::kHost;
  return std::nullopt;
}

namespace {

const json* Metadata(const Object& o) {
  if (!o.is_object()) return nullptr;
  auto it = o.find("metadata");
  if (it == o.end() || !it->is_object()) return nullptr;
  return &*it;
}

std::string MetaString(const Object& o, const char* key) {
  const json* m = Metadata(o);
  if (!m) return "";
  auto it = m->find(key);
  return it != m->end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string Name(const Object& o) { return MetaString(o, "name"); }
std::string Uid(const Object& o) { return MetaString(o, "uid"); }
std::string ResourceVersion(const Object& o) { return MetaString(o, "resourceVersion"); }

int64_t Generation(const Object& o) {
  const json* m = Metadata(o);
  if (!m) return 0;
  auto it = m->find("generation");
  return it != m->end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

bool IsBeingDeleted(const Object& o) { return !MetaString(o, "deletionTimestamp").empty(); }

json Labels(const Object& o) {
  const json* m = Metadata(o);
  if (m) {
    auto it = m->find("labels");
    if (it != m->end() && it->is_object()) return *it;
  }
  return json::object();
}

std::string Annotation(const Object& o, std::string_view key) {
  const json* m = Metadata(o);
  if (!m) return "";
  auto annotations = m->find("annotations");
  if (annotations == m->end() || !annotations->is_object()) return "";
  auto it = annotations->find(key);
  return it != annotations->end() && it->is_string() ? it->get<std::string>() : "";
}

bool HasFinalizer(const Object& o, std::string_view f) {
  const json* m = Metadata(o);
  if (!m) return false;
  auto it = m->find("finalizers");
  if (it == m->end() || !it->is_array()) return false;
  for (const auto& x : *it)
    if (x.is_string() && x.get_ref<const std::string&>() == f) return true;
  return false;
}

const json* FieldAt(const Object& o, std::string_view section, std::string_view key) {
  if (!o.is_object()) return nullptr;
  auto s = o.find(section);
  if (s == o.end() || !s->is_object()) return nullptr;
  auto it = s->find(key);
  return it == s->end() ? nullptr : &*it;
}

const json* FindCondition(const Object& o, std::string_view type) {
  if (!o.is_object()) return nullptr;
  auto st = o.find("status");
  if (st == o.end() || !st->is_object()) return nullptr;
  auto cs = st->find("conditions");
  if (cs == st->end() || !cs->is_array()) return nullptr;
  for (const auto& c : *cs) {
    if (!c.is_object()) continue;
    auto t = c.find("type");
    if (t != c.end() && t->is_string() && t->get_ref<const std::string&>() == type) return &c;
  }
  return nullptr;
}

bool IsConditionTrue(const Object& o, std::string_view type) {
  const json* c = FindCondition(o, type);
  return c && c->value("status", "") == "True";
}

bool SetCondition(json& status, const Condition& c, TimePoint now) {
  if (!status.is_object()) status = json::object();
  json& conditions = status["conditions"];
  if (!conditions.is_array()) conditions = json::array();
  json wanted = {{"type", c.type},
                 {"status", c.status},
                 {"reason", c.reason},
                 {"message", c.message},
                 {"observedGeneration", c.observed_generation}};
  for (auto& existing : conditions) {
    if (!existing.is_object() || existing.value("type", "") != c.type) continue;
    bool status_changed = existing.value("status", "") != c.status;
    wanted["lastTransitionTime"] = status_changed || !existing.contains("lastTransitionTime")
                                       ? json(FormatTime(now))
                                       : existing["lastTransitionTime"];
    if (existing == wanted) return false;
    existing = std::move(wanted);
    return true;
  }
  wanted["lastTransitionTime"] = FormatTime(now);
  conditions.push_back(std::move(wanted));
  return true;
}

}  // namespace labctl::api
