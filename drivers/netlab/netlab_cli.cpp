#include "drivers/netlab/netlab_cli.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <sstream>

#include "api/join.h"
#include "drivers/net/process.h"

namespace labctl::netlab {
namespace {

// coreutils `env` exits 127 when the command is not found, 126 when it cannot be run.
constexpr int kEnvNotFound = 127;
constexpr int kEnvCannotRun = 126;
// coreutils `timeout` exits 124 when the time ran out, 128+9 when it had to SIGKILL.
constexpr int kTimeoutExpired = 124;
constexpr int kKilled = 128 + 9;

std::string Seconds(std::chrono::milliseconds ms) {
  std::ostringstream s;
  s.precision(1);
  s << std::fixed << static_cast<double>(ms.count()) / 1000.0 << "s";
  return s.str();
}

std::vector<std::string> LastLines(const std::string& text, size_t n) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  if (lines.size() > n) lines.erase(lines.begin(), lines.end() - static_cast<long>(n));
  return lines;
}

}  // namespace

std::string NetlabRun::Summary(size_t max_lines) const {
  std::string cmd = argv.size() > 1 ? argv[0] + " " + argv[1] : "netlab";
  std::string s = cmd + ": ";
  if (timed_out)
    s += "timed out after " + Seconds(took);
  else if (exit_code == 0)
    s += "ok in " + Seconds(took);
  else
    s += "exit " + std::to_string(exit_code) + " after " + Seconds(took);
  if (const std::string tail = ok() ? "" : OutputTail(max_lines); !tail.empty()) s += "\n" + tail;
  return s;
}

std::string NetlabRun::OutputTail(size_t max_lines) const {
  std::string tail;
  for (const auto& l : LastLines(out + "\n" + err, max_lines))
    tail += (tail.empty() ? "" : "\n") + l;
  return tail;
}

NetlabCli::NetlabCli(NetlabOptions options) : options_(std::move(options)) {}

api::Result<NetlabRun> NetlabCli::Run(const std::string& dir, const std::vector<std::string>& args,
                                      std::optional<std::chrono::seconds> timeout) const {
  auto limit = timeout.value_or(options_.timeout);
  NetlabRun run;
  run.argv = {options_.program};
  run.argv.insert(run.argv.end(), args.begin(), args.end());
  // timeout(1) runs the command in its own process group and signals the whole group, so
  // netlab's children (docker exec, ip netns exec) go with it; env(1) changes directory.
  std::vector<std::string> argv = {
      "timeout", "--kill-after=10", std::to_string(limit.count()), "env", "-C", dir};
  if (!options_.home.empty()) argv.push_back("HOME=" + options_.home);
  argv.insert(argv.end(), run.argv.begin(), run.argv.end());
  auto start = std::chrono::steady_clock::now();
  auto result = net::RunProcess(argv);
  run.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  if (!result.ok()) return result.status();
  run.exit_code = result->exit_code;
  run.out = std::move(result->out);
  run.err = std::move(result->err);
  if (run.exit_code == kEnvNotFound || run.exit_code == kEnvCannotRun) {
    if (run.err.rfind("env:", 0) == 0)
      return api::Status::NotFound("netlab not found or not runnable (" + options_.program +
                                   "): " + LastLines(run.err, 1).front());
  }
  run.timed_out =
      run.exit_code == kTimeoutExpired || (run.exit_code == kKilled && run.took >= limit);
  spdlog::debug("netlab dir={} cmd={} exit={} took_ms={}", dir, args.empty() ? "" : args[0],
                run.exit_code, run.took.count());
  return run;
}

api::Result<std::string> NetlabCli::Version() const {
  auto run = Run("/", {"version"}, std::chrono::seconds(60));
  if (!run.ok()) return api::Status::Unavailable(run.status().message());
  if (!run->ok()) return api::Status::Unavailable(run->Summary(5));
  const std::string marker = "netlab version ";
  size_t at = run->out.find(marker);
  if (at == std::string::npos)
    return api::Status::Unavailable("unexpected `netlab version` output: " +
                                    run->out.substr(0, 200));
  size_t start = at + marker.size();
  size_t end = run->out.find_first_of(" \n", start);
  return run->out.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::vector<std::string> MissingHostTools() {
  std::vector<std::string> missing;
  for (const char* tool : {"sudo", "ip", "docker"}) {
    auto found = net::RunProcess({"which", tool});  // PATH only, as netlab's subprocesses see it
    if (!found.ok() || found->exit_code != 0) missing.push_back(tool);
  }
  return missing;
}

std::vector<std::string> CreateArgs(const CreateOptions& options) {
  std::vector<std::string> args = {"create", "-p", "clab"};
  if (options.multilab_id) {
    args.insert(args.end(), {"--plugin", "multilab", "-s",
                             "defaults.multilab.id=" + std::to_string(*options.multilab_id)});
  }
  for (const auto& s : options.settings) args.insert(args.end(), {"-s", s});
  args.insert(args.end(),
              {"-s", "defaults.netlab.create.output.json.options=nodes", "-s",
               std::string("defaults.netlab.create.output.json.output=") + kNodesDumpFile});
  args.push_back(options.topology);
  return args;
}

api::Result<NetlabRun> NetlabCli::Create(const std::string& dir,
                                         const CreateOptions& options) const {
  if (options.multilab_id && (*options.multilab_id < 1 || *options.multilab_id > 200))
    return api::Status::BadRequest("netlab multilab id must be between 1 and 200, got " +
                                   std::to_string(*options.multilab_id));
  std::error_code ec;
  std::filesystem::remove(std::filesystem::path(dir) / kNodesDumpFile, ec);  // not this create's
  return Run(dir, CreateArgs(options));
}

api::Result<NetlabRun> NetlabCli::Initial(const std::string& dir,
                                          const std::vector<std::string>& limit) const {
  if (limit.empty()) return Run(dir, {"initial"});
  return Run(dir, {"initial", "--limit", api::Join(limit, ",")});
}

api::Result<NetlabRun> NetlabCli::Status(const std::string& dir) const {
  return Run(dir, {"status"});
}

api::Result<NetlabRun> NetlabCli::Validate(const std::string& dir) const {
  return Run(dir, {"validate"});
}

api::Result<std::string> NetlabCli::InspectJson(const std::string& dir,
                                                const std::string& expr) const {
  auto run = Run(dir, {"inspect", "--format", "json", expr});
  if (!run.ok()) return run.status();
  if (!run->ok()) return api::Status::Internal(run->Summary(5));
  return std::move(run->out);
}

}  // namespace labctl::netlab
