#include "ops/promtool.h"

#include <cstdlib>

#include "support/labd_process.h"

namespace labctl::ops {

bool HavePromtool() {
  return testing::RunProgram({"sh", "-c", "command -v promtool"}).exit_code == 0;
}

bool PromtoolRequired() {
  const char* v = std::getenv("LABCTL_REQUIRE_PROMTOOL");
  return v && std::string(v) == "1";
}

std::string PromtoolProblems(const std::string& exposition) {
  auto r = testing::RunProgram({"promtool", "check", "metrics"}, exposition);
  if (r.exit_code == 0 && r.err.empty() && r.out.empty()) return "";
  return "promtool exit " + std::to_string(r.exit_code) + ": " + r.out + r.err;
}

}  // namespace labctl::ops
