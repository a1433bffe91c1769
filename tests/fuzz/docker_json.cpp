// Docker Engine API answers (drivers/docker/engine_json) as HttpEngine reads them: the body is
// parsed as JSON (json::parse, as CallJson does) and given to each answer's parser; list
// answers go element by element. Error answers: the status code (first line) and the body.
#include "drivers/docker/engine_json.h"
#include "fuzz_input.h"

using namespace labctl;
using docker::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::Text(data, size);
  (void)docker::ErrorStatus(static_cast<int>(size % 600), std::string(text));
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return 0;
  (void)docker::ParseNetwork(j);
  (void)docker::ParseContainerInspect(j);
  (void)docker::ParseEvent(j);
  for (const auto& element : j) {  // ListNetworks, ListContainers
    (void)docker::ParseNetwork(element);
    (void)docker::ParseContainerSummary(element);
  }
  return 0;
}
