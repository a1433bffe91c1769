// JSON merge patch (PATCH with application/merge-patch+json) as ResourceService::MergePatch
// applies it: the stored object, the patch body through the guarded parser, merge_patch, the
// type-meta check, defaults and validation, and the stored text of the result.
// Input: "<patch>" against a fixed Lab, or "<object>\n--\n<patch>".
#include "api/validation.h"
#include "api/yaml.h"
#include "fuzz_input.h"

using namespace labctl;

namespace {

const api::json& FixedLab() {
  static const api::json lab = api::json::parse(R"({
    "apiVersion": "labctl.dev/v1alpha1", "kind": "Lab",
    "metadata": {"name": "fuzzlab", "uid": "u1", "resourceVersion": "7", "generation": 1,
                 "labels": {"team": "net"}, "annotations": {"a": "b"}},
    "spec": {"provider": "docker", "runPolicy": "Always",
             "networks": [{"name": "lan", "subnet": "192.168.77.0/24"}],
             "nodes": [{"name": "gw", "image": "labbox:latest",
                        "interfaces": [{"network": "lan", "ipv4": "192.168.77.254"}]},
                       {"name": "c1", "image": "labbox:latest",
                        "interfaces": [{"network": "lan", "ipv4": "192.168.77.1"}]}]},
    "status": {"phase": "Ready"}})");
  return lab;
}

// The store holds only objects that passed the same checks.
bool Storable(api::json& object, api::Kind kind) {
  if (!api::CheckTypeMeta(object, kind, "").ok()) return false;
  api::DefaultObject(kind, object);
  return api::ValidateObject(kind, object).ok();
}

void Apply(api::json current, const api::json& patch, api::Kind kind) {
  if (!Storable(current, kind)) return;
  api::json merged = current;
  merged.merge_patch(patch);
  if (!api::CheckTypeMeta(merged, kind, api::Name(current)).ok()) return;
  if (!Storable(merged, kind)) return;
  std::string stored = merged.dump();
  if (api::json::parse(stored) != merged) fuzz::Fail("stored text does not read back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::SplitParts(fuzz::Text(data, size), 2);
  api::json current = FixedLab();
  if (parts.size() == 2) {
    auto object = api::ParseJsonOrYaml(parts[0]);
    if (!object.ok() || !object->is_object()) return 0;
    current = std::move(*object);
  }
  auto patch = api::ParseJsonOrYaml(parts.back());
  if (!patch.ok() || !patch->is_object()) return 0;  // the server answers 400 for those
  Apply(current, *patch, api::Kind::kLab);
  Apply(current, *patch, api::Kind::kSession);
  return 0;
}
