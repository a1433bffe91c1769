// labctl's -o jsonpath= templates (cli/util/jsonpath): parse a template and render it against a
// document. Input: "<template>" against a sample LabList, or "<template>\n--\n<JSON document>".
#include "cli/util/jsonpath.h"

#include "api/object.h"
#include "api/yaml.h"
#include "fuzz_input.h"

using namespace labctl;

namespace {

const api::json& SampleList() {
  static const api::json list = api::json::parse(R"({
    "kind": "LabList", "metadata": {"resourceVersion": "12"},
    "items": [
      {"metadata": {"name": "a", "labels": {"app.kubernetes.io/name": "x"}},
       "status": {"phase": "Ready", "conditions": [
          {"type": "Provisioned", "status": "True"}, {"type": "Ready", "status": "False"}]}},
      {"metadata": {"name": "b"}, "spec": {"nodes": [{"name": "n1"}, {"name": "n2", "n": 5}]},
       "status": {"phase": "Pending", "conditions": [{"type": "Ready", "status": "True"}]}}]})");
  return list;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::SplitParts(fuzz::Text(data, size), 2);
  api::json doc = SampleList();
  if (parts.size() == 2) {
    // labctl renders what labd answered: JSON within the API's limits.
    auto parsed = api::ParseJsonOrYaml(parts[1]);
    if (!parsed.ok()) return 0;
    doc = std::move(*parsed);
  }
  auto path = cli::JsonPath::Parse(parts[0]);
  if (path.ok()) (void)path->Execute(doc);
  (void)cli::EvaluateJsonPath(parts[0], doc);
  return 0;
}
