// labctl exec lab/NAME NODE [-i] [--timeout S] -- CMD...: runs a command in a lab node.
//
// The output is streamed (POST .../exec?stream=true, frames as in docs/api.md) and the command's
// exit code becomes labctl's. With -i labctl's stdin is forwarded: the stream's first frame names
// the exec, and a second request (POST .../exec/{id}/stdin, chunked) carries stdin as it is read,
// with keep-alive frames while it is idle; EOF ends that body and closes the command's stdin.
// Ctrl-C (or any death of labctl) closes the connections, and labd kills the command.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <optional>
#include <thread>

#include "api/mux_frames.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/flags.h"

namespace labctl::cli {
namespace {

using api::json;

constexpr char kExecUsage[] =
    "Usage: labctl exec lab/NAME NODE [-i] [--timeout SECONDS] -- CMD...\n";

// stdin is polled this often, so the uploader notices that the command has ended.
constexpr int kStdinPollMs = 200;
// An empty frame is sent after this long without input: labd's read timeout is 10 s.
constexpr int kStdinKeepAliveMs = 2000;

// Sends labctl's stdin to a running exec from a thread of its own, until EOF or Stop().
class StdinForwarder {
 public:
  StdinForwarder(const client::Options& options, std::string path)
      : options_(options), path_(std::move(path)) {}
  ~StdinForwarder() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  // Once the command has ended: abandons the upload (within kStdinPollMs).
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    client::Client client(options_);
    auto st =
        client.StreamUpload(path_, api::kExecStreamContentType,
                            [this](const client::ChunkCallback& write) { return Pump(write); });
    // labd stops reading when the command ended (Unavailable here, and the exec stream reports
    // the end); a refusal (403, 404) is worth saying.
    if (!st.ok() && !stop_ && st.code() != api::Code::kUnavailable)
      std::cerr << "labctl: stdin not forwarded: " << st.message() << "\n";
  }

  // Reads stdin as it comes; true at EOF (the body is complete), false when abandoned.
  bool Pump(const client::ChunkCallback& write) {
    int idle_ms = 0;
    char buf[32768];
    while (!stop_) {
      pollfd p{STDIN_FILENO, POLLIN, 0};
      int ready = ::poll(&p, 1, kStdinPollMs);
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        idle_ms += kStdinPollMs;
        if (idle_ms < kStdinKeepAliveMs) continue;
        idle_ms = 0;
        if (!write(api::MuxFrame(api::kExecStdinData, ""))) return false;
        continue;
      }
      ssize_t n = ready < 0 ? -1 : ::read(STDIN_FILENO, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return true;  // EOF (or an unreadable stdin): the command sees EOF too
      idle_ms = 0;
      if (!write(api::MuxFrame(api::kExecStdinData, std::string_view(buf, static_cast<size_t>(n)))))
        return false;
    }
    return false;
  }

  client::Options options_;
  std::string path_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Splits a streamed exec answer into its frames: stdout and stderr go to ours as they arrive,
// the exit frame is kept, the started frame starts the stdin forwarder, heartbeats are dropped.
struct ExecFrames {
  ExecFrames() = default;
  ExecFrames(const ExecFrames&) = delete;  // the demuxer's callback holds `this`

  std::optional<json> exit;
  std::function<void(const std::string& exec_id)> on_started;
  api::MuxDemuxer demuxer{[this](int stream, std::string_view payload) {
    Handle(stream, payload);
    return true;
  }};

  bool Feed(std::string_view chunk) {
    demuxer.Feed(chunk);
    return static_cast<bool>(std::cout);  // stdout closed (`| head`): stop, labd kills it
  }

  void Handle(int stream, std::string_view payload) {
    if (stream == api::kExecStreamStdout) std::cout.write(payload.data(), payload.size()).flush();
    if (stream == api::kExecStreamStderr) std::cerr.write(payload.data(), payload.size()).flush();
    if (stream == api::kExecStreamExit) exit = json::parse(payload, nullptr, false);
    if (stream == api::kExecStreamStarted && on_started) {
      auto started = json::parse(payload, nullptr, false);
      if (started.is_object()) on_started(started.value("execId", ""));
    }
  }
};

api::Status CheckExit(const api::Status& st, const ExecFrames& frames) {
  if (!st.ok()) return st;
  if (!frames.exit || !frames.exit->is_object())
    return api::Status::Unavailable("exec stream ended without an exit code");
  if (frames.exit->contains("error"))
    return api::Status::Internal(frames.exit->value("error", "exec failed"));
  return st;
}

}  // namespace

int RunExec(const CliContext& ctx, const std::vector<std::string>& args) {
  Flags flags({{"timeout", 0, true, "kill the command after SECONDS (exit code 137)"},
               {"stdin", 'i', false,
                "forward labctl's stdin to the command (EOF closes the command's stdin)"}});
  const std::string usage = flags.Help(kExecUsage);
  if (auto exit = flags.ParseOrExit(args, usage)) return *exit;
  if (flags.positional().size() != 2 || flags.rest().empty())
    return UsageError("exec needs lab/NAME NODE -- CMD...", usage);
  auto lab = LabName(flags.positional()[0]);
  if (!lab.ok()) return UsageError(lab.status().message(), usage);
  const bool with_stdin = flags.Has("stdin");
  json body = {{"node", flags.positional()[1]}, {"command", flags.rest()}, {"stdin", with_stdin}};
  if (flags.Has("timeout")) body["timeoutSeconds"] = std::atoi(flags.Get("timeout").c_str());
  // A failed write to labd or to our stdout must be an error, not SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);
  client::Client client(ctx.options);
  std::unique_ptr<StdinForwarder> forwarder;
  ExecFrames frames;
  frames.on_started = [&](const std::string& exec_id) {
    if (!with_stdin || forwarder || exec_id.empty()) return;
    forwarder = std::make_unique<StdinForwarder>(
        ctx.options, LabPath(*lab, "exec/" + client::UrlEncode(exec_id) + "/stdin"));
    forwarder->Start();
  };
  auto st = client.StreamPost(LabPath(*lab, "exec") + "?stream=true", body,
                              [&](std::string_view chunk) { return frames.Feed(chunk); });
  if (forwarder) forwarder->Stop();
  st = CheckExit(st, frames);
  if (!st.ok()) {
    PrintError(st, ObjectRef(api::Kind::kLab, *lab));
    return kExitError;
  }
  if (frames.exit->value("timedOut", false))
    std::cerr << "labctl: command killed after --timeout " << flags.Get("timeout") << "s\n";
  return frames.exit->value("exitCode", 1);
}

}  // namespace labctl::cli
