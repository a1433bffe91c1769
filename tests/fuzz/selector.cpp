// Label selectors (?labelSelector=, labctl -l) through api/selector: parse, print, parse the
// printed form again (it must mean the same), and match label sets.
#include "api/selector.h"

#include <algorithm>

#include "api/object.h"
#include "fuzz_input.h"

using namespace labctl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::SplitParts(fuzz::Text(data, size), 2);
  auto selector = api::ParseSelector(parts[0]);
  if (!selector.ok()) return 0;
  std::string printed = selector->ToString();
  auto again = api::ParseSelector(printed);
  if (!again.ok()) fuzz::Fail("printed selector does not parse: " + printed);
  if (again->ToString() != printed) fuzz::Fail("printed selector changes: " + printed);
  // Labels: the selector's own keys and values, and the second part's "k=v" lines.
  api::json labels = api::json::object();
  for (const auto& r : selector->requirements)
    labels[r.key] = r.values.empty() ? std::string() : r.values.front();
  (void)selector->Matches(labels);
  (void)selector->Matches(api::json());
  if (parts.size() == 2) {
    api::json more = api::json::object();
    std::string_view rest = parts[1];
    while (!rest.empty()) {
      std::string_view line = rest.substr(0, rest.find('\n'));
      rest.remove_prefix(std::min(rest.size(), line.size() + 1));
      size_t eq = line.find('=');
      if (eq != std::string_view::npos)
        more[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }
    if (selector->Matches(more) != again->Matches(more))
      fuzz::Fail("printed selector matches differently: " + printed);
  }
  return 0;
}
