// Objects: Labs, Sessions, Events and Hosts are plain JSON documents (apiVersion, kind, metadata,
// spec, status) as on the wire. This module names the kinds and gives typed accessors for metadata
// and conditions, so no other module spells out JSON paths for them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/clock.h"

namespace labctl::api {

using json = nlohmann::json;
using Object = nlohmann::json;

inline constexpr char kGroup[] = "labctl.dev";
inline constexpr char kVersion[] = "v1alpha1";
inline constexpr char kApiVersion[] = "labctl.dev/v1alpha1";
inline constexpr char kApiPrefix[] = "/apis/labctl.dev/v1alpha1";
// Finalizer the Lab reconciler keeps until Docker holds nothing of the lab.
inline constexpr char kTeardownFinalizer[] = "labctl.dev/teardown";

// kHost last: the store keeps its objects in arrays indexed by Kind.
enum class Kind { kLab, kSession, kEvent, kHost };
inline constexpr size_t kKindCount = 4;

const char* KindName(Kind k);  // "Lab"
const char* Plural(Kind k);    // "labs"
// Accepts what kubectl users type: "lab", "labs", "Lab", "session", "sessions", "sess",
// "event", "events", "ev", "host", "hosts".
std::optional<Kind> ParseKind(std::string_view s);

// Metadata accessors: missing fields read as empty/0.
std::string Name(const Object& o);
std::string Uid(const Object& o);
std::string ResourceVersion(const Object& o);
int64_t Generation(const Object& o);
bool IsBeingDeleted(const Object& o);                           // deletionTimestamp set
json Labels(const Object& o);                                   // always an object
std::string Annotation(const Object& o, std::string_view key);  // "" when absent or not a string
bool HasFinalizer(const Object& o, std::string_view f);
// o[section][key] (e.g. "spec", "lab"), or nullptr when either is missing: a lookup that, unlike
// json::value with a JSON pointer, throws nothing on a missing field (hot paths).
const json* FieldAt(const Object& o, std::string_view section, std::string_view key);

// Conditions live in status.conditions: [{type, status, reason, message, lastTransitionTime,
// observedGeneration}].
struct Condition {
  std::string type;
  std::string status;  // "True" | "False" | "Unknown"
  std::string reason;
  std::string message;
  int64_t observed_generation = 0;
};
// The condition of that type, or nullptr.
const json* FindCondition(const Object& o, std::string_view type);
bool IsConditionTrue(const Object& o, std::string_view type);
// Sets or replaces a condition in `status`; lastTransitionTime changes only when the status
// value changes. Returns true if anything changed.
bool SetCondition(json& status, const Condition& c, TimePoint now);

}  // namespace labctl::api
