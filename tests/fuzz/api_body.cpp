// Lab and Session bodies as labd's API takes them on create and replace: JSON or YAML text
// (api/yaml: the guarded parsers, api/json_builder), the type-meta check, defaults and
// validation (api/validation, lab validation); then what labd does with an accepted object:
// serialize it for the store, hash its spec, answer with it and its status.
#include "api/spec_hash.h"
#include "api/validation.h"
#include "api/yaml.h"
#include "fuzz_input.h"

using namespace labctl;

namespace {

void Answer(const api::Status& status) {
  // The server answers with the replace handler: a message may quote bytes cut mid-character.
  (void)status.ToJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Take(api::json body, api::Kind kind, const std::string& path_name) {
  api::Status st = api::CheckTypeMeta(body, kind, path_name);
  if (!st.ok()) return Answer(st);
  api::DefaultObject(kind, body);
  st = api::ValidateObject(kind, body);
  if (!st.ok()) return Answer(st);
  // The store keeps the object's JSON text: every string in it must be valid UTF-8.
  std::string stored = body.dump();
  if (api::json::parse(stored) != body) fuzz::Fail("stored text does not read back");
  (void)api::SpecHash(body.value("spec", api::json::object()));
  if (kind == api::Kind::kLab && body["spec"].contains("nodes"))
    for (const auto& node : body["spec"]["nodes"])
      (void)api::NodeSpecHash(body["spec"], node.value("name", ""));
  (void)api::ToYaml(body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = api::ParseJsonOrYaml(std::string(fuzz::Text(data, size)));
  if (!body.ok()) {
    Answer(body.status());
    return 0;
  }
  for (api::Kind kind : {api::Kind::kLab, api::Kind::kSession}) {
    Take(*body, kind, "");         // POST to the collection
    Take(*body, kind, "fuzzlab");  // PUT to an item
  }
  return 0;
}
