#include "reconcilers/providers/containerlab/node_exec.h"

#include <chrono>

#include "api/join.h"
#include "drivers/docker/exec_runner.h"

namespace labctl::clab {
namespace {

constexpr std::chrono::seconds kExecTimeout{300};
constexpr size_t kMaxOutputInMessage = 2000;

std::string Truncated(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.size() > kMaxOutputInMessage)
    text = "..." + text.substr(text.size() - kMaxOutputInMessage);
  return text;
}

}  // namespace

api::Status RunNodeExec(docker::DockerEngine& engine, const std::string& container,
                        const std::vector<std::string>& argv) {
  std::string out, err;
  docker::ExecControl control;
  control.timeout = kExecTimeout;
  auto r = docker::RunExec(engine, container, argv, docker::CollectOutput(out, err), control);
  const std::string what = "exec \"" + api::Join(argv, " ") + "\"";
  if (!r.ok())
    return api::Status(r.status().code(), "ExecFailed", what + ": " + r.status().message());
  if (r->exit_code == 0) return api::Status::Ok();
  std::string why = r->timed_out ? "timed out (killed)" : "exited " + std::to_string(r->exit_code);
  std::string output = Truncated(out + err);
  return api::Status(api::Code::kInvalid, "ExecFailed",
                     what + " " + why + (output.empty() ? "" : ": " + output));
}

}  // namespace labctl::clab
