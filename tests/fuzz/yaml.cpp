// YAML (and JSON) text as labd reads manifests and bodies (api/yaml: the guarded event parser).
// Every input must end with values or a BadRequest, within the limits; libFuzzer's
// -rss_limit_mb and -timeout catch a parse that does not. Each input is read twice: with the
// default limits, and with tiny ones so that every limit's stop path runs. What parses must
// read back unchanged from ToYaml (labctl get -o yaml | labctl apply -f -).
#include "api/yaml.h"

#include "api/object.h"
#include "fuzz_input.h"

using namespace labctl;

namespace {

constexpr api::ParseLimits kTinyLimits{
    .max_depth = 4,
    .max_nodes = 40,
    .max_string_bytes = 64,
    .max_yaml_bytes = 2048,
    .max_yaml_documents = 3,
    .max_yaml_alias_nodes = 10,
    .max_yaml_scan_ahead = 32,
    .max_yaml_time = std::chrono::milliseconds(5000),
};

// ToYaml may write Unicode noncharacters as U+FFFD (api/yaml_emit.cpp).
std::string ReplaceNoncharacters(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    auto b = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
    size_t len = b(0) < 0x80 ? 1 : b(0) < 0xE0 ? 2 : b(0) < 0xF0 ? 3 : 4;
    bool non = (len == 3 && b(0) == 0xEF && b(1) == 0xB7 && b(2) >= 0x90 && b(2) <= 0xAF) ||
               (len == 3 && b(0) == 0xEF && b(1) == 0xBF && (b(2) & 0xFE) == 0xBE) ||
               (len == 4 && (b(1) & 0x0F) == 0x0F && b(2) == 0xBF && (b(3) & 0xFE) == 0xBE);
    out += non ? std::string("\xef\xbf\xbd") : s.substr(i, len);
    i += len;
  }
  return out;
}

// Equal, except that a string (or key) may have its noncharacters replaced.
bool SameAsWritten(const api::json& was, const api::json& back) {
  if (was.is_string() && back.is_string())
    return was == back || ReplaceNoncharacters(was.get<std::string>()) == back.get<std::string>();
  if (was.is_array() && back.is_array()) {
    if (was.size() != back.size()) return false;
    for (size_t i = 0; i < was.size(); ++i)
      if (!SameAsWritten(was[i], back[i])) return false;
    return true;
  }
  if (was.is_object() && back.is_object()) {
    if (was.size() != back.size()) return false;
    for (const auto& [k, v] : was.items()) {
      auto it = back.find(k);
      if (it == back.end()) it = back.find(ReplaceNoncharacters(k));
      if (it == back.end() || !SameAsWritten(v, *it)) return false;
    }
    return true;
  }
  return was == back;
}

void CheckRoundTrip(const api::json& doc) {
  std::string text = api::ToYaml(doc);
  auto again = api::ParseYamlDocuments(text);
  if (!again.ok())
    fuzz::Fail("ToYaml output does not parse: " + again.status().message() + "\n" + text);
  if (again->size() != 1 || !SameAsWritten(doc, again->front()))
    fuzz::Fail("ToYaml output reads back different:\n" + text + "\nwas " + doc.dump());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(fuzz::Text(data, size));
  (void)api::ParseYamlDocuments(text, kTinyLimits);
  (void)api::ParseJsonOrYaml(text, kTinyLimits);
  auto docs = api::ParseYamlDocuments(text);
  if (!docs.ok()) return 0;
  for (const auto& doc : *docs) CheckRoundTrip(doc);
  return 0;
}
