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

void CheckRoundTrip(const api::json& doc) {
  std::string text = api::ToYaml(doc);
  auto again = api::ParseYamlDocuments(text);
  if (!again.ok())
    fuzz::Fail("ToYaml output does not parse: " + again.status().message() + "\n" + text);
  if (again->size() != 1 || again->front() != doc)
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
