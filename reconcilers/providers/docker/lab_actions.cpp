#include "reconcilers/providers/docker/lab_actions.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "api/input_limits.h"
#include "api/mux_frames.h"
#include "api/utf8.h"
#include "api/validation.h"
#include "drivers/docker/exec_runner.h"
#include "drivers/net/netns.h"
#include "drivers/net/process.h"
#include "reconcilers/providers/docker/docker_realisation.h"
#include "reconcilers/providers/docker/node_container.h"

namespace labctl::reconcilers {

using api::json;
using api::Status;

namespace {

std::string Param(const api::LabActions::Params& p, const char* key, const std::string& def) {
  auto it = p.find(key);
  return it == p.end() || it->second.empty() ? def : it->second;
}

bool IsSafeToken(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != '@')
      return false;
  return true;
}

constexpr int kMaxCaptureSeconds = 3600;

struct CaptureRequest {
  std::string node;
  std::string iface = "eth0";
  std::string filter;  // BPF expression, one argv entry after "--" (never a shell string)
  int seconds = 10;    // 0: until the client goes away (at most kMaxCaptureSeconds)
  int count = 0;       // packets; 0: no limit
  std::vector<std::string> Argv() const {
    std::vector<std::string> a = {"tcpdump", "-U", "-n", "-i", iface, "-w", "-"};
    if (count > 0) a.insert(a.end(), {"-c", std::to_string(count)});
    if (!filter.empty()) a.insert(a.end(), {"--", filter});
    return a;
  }
};

// Node names reach Docker API paths and container names: only what a Lab may name a node.
Status CheckNodeName(const std::string& node) {
  if (node.empty()) return Status::BadRequest("node is required");
  if (api::IsDnsLabel(node)) return Status::Ok();
  return Status::BadRequest("node \"" + api::ValidUtf8(node) +
                            "\" is not a node name (lower-case letters, digits and '-')");
}

api::Result<int> IntParam(const api::LabActions::Params& p, const char* key, int def, int max) {
  std::string text = Param(p, key, std::to_string(def));
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
    return Status::BadRequest(std::string(key) + " must be a whole number");
  int value = std::stoi(text);
  if (value > max)
    return Status::BadRequest(std::string(key) + " must be at most " + std::to_string(max));
  return value;
}

api::Result<CaptureRequest> ParseCaptureRequest(const api::LabActions::Params& params) {
  CaptureRequest r;
  r.node = Param(params, "node", "");
  r.iface = Param(params, "iface", "eth0");
  r.filter = Param(params, "filter", "");
  if (!IsSafeToken(r.iface) || r.iface.size() > 15)
    return Status::BadRequest("iface must be an interface name");
  if (r.filter.size() > 1024 || r.filter.find('\0') != std::string::npos)
    return Status::BadRequest("filter is too long");
  auto seconds = IntParam(params, "seconds", 10, kMaxCaptureSeconds);
  if (!seconds.ok()) return seconds.status();
  auto count = IntParam(params, "count", 0, 10000000);
  if (!count.ok()) return count.status();
  r.seconds = *seconds == 0 ? kMaxCaptureSeconds : *seconds;
  r.count = *count;
  return r;
}

}  // namespace

DockerLabActions::DockerLabActions(store::Store& store, docker::DockerEngine& engine,
                                   RealisationSource& source, NetworkBaselines* baselines,
                                   ContainerStartedHook network_hook)
    : store_(store),
      engine_(engine),
      source_(source),
      baselines_(baselines),
      network_hook_(std::move(network_hook)) {}

api::Result<docker::ContainerInfo> DockerLabActions::InspectNode(const json& lab,
                                                                 const std::string& node) {
  LABCTL_RETURN_IF_ERROR(CheckNodeName(node));
  auto model = source_.Model(lab);
  if (!model.ok()) return model.status();
  if (model->FindNode(node) == nullptr)
    return Status::NotFound("node " + node + " of lab " + api::Name(lab) +
                            " has no container (is the lab up?)");
  return InspectNodeContainer(engine_, api::Name(lab), api::Uid(lab), node);
}

api::Result<std::string> DockerLabActions::NodeContainer(const std::string& lab,
                                                         const std::string& node) {
  auto object = store_.Get(api::Kind::kLab, lab);
  if (!object.ok()) return object.status();
  auto info = InspectNode(*object, node);
  if (!info.ok()) return info.status();
  if (!info->running) return Status::Conflict("node " + node + " is not running");
  return info->id;
}

api::Result<DockerLabActions::ExecRequest> DockerLabActions::ParseExec(const std::string& lab,
                                                                       const json& request,
                                                                       bool streamed) {
  if (!request.is_object() || !request.contains("command") || !request["command"].is_array() ||
      request["command"].empty())
    return Status::BadRequest("exec needs {\"node\": ..., \"command\": [...]}");
  ExecRequest r;
  for (const auto& c : request["command"]) {
    if (!c.is_string()) return Status::BadRequest("command must be a list of strings");
    r.cmd.push_back(c.get<std::string>());
  }
  const json timeout = request.value("timeoutSeconds", json(0));
  const bool in_range =
      timeout.is_number_unsigned()
          ? timeout.get<uint64_t>() <= static_cast<uint64_t>(api::kMaxDurationSeconds)
          : timeout.is_number_integer() && timeout.get<int64_t>() >= 0;
  if (!in_range)
    return Status::BadRequest("timeoutSeconds must be an integer from 0 to " +
                              std::to_string(api::kMaxDurationSeconds));
  r.control.timeout = std::chrono::seconds(timeout.get<int64_t>());
  r.stdin = request.value("stdin", json());
  if (!r.stdin.is_null() && !(streamed ? r.stdin.is_boolean() : r.stdin.is_string()))
    return Status::BadRequest(streamed ? "stdin must be true or false with stream=true"
                                       : "stdin must be a string");
  const json node = request.value("node", json(""));
  if (!node.is_string()) return Status::BadRequest("node must be a string");
  auto id = NodeContainer(lab, node.get<std::string>());
  if (!id.ok()) return id.status();
  r.container = *id;
  return r;
}

api::Result<json> DockerLabActions::Exec(const std::string& lab, const json& request,
                                         const api::Principal&) {
  auto r = ParseExec(lab, request, false);
  if (!r.ok()) return r.status();
  // The text is written from its own thread: a command may write output before it reads.
  std::thread feeder;
  if (r->stdin.is_string()) {
    r->control.on_stdin = [&feeder, text = r->stdin.get<std::string>()](
                              const std::shared_ptr<docker::ExecSession>& s) {
      feeder = std::thread([s, text] {
        if (s->WriteStdin(text).ok()) (void)s->CloseStdin();
      });
    };
  }
  std::string out, err;
  auto outcome =
      docker::RunExec(engine_, r->container, r->cmd, docker::CollectOutput(out, err), r->control);
  if (feeder.joinable()) feeder.join();
  if (!outcome.ok()) return outcome.status();
  json result = {{"exitCode", outcome->exit_code}, {"stdout", out}, {"stderr", err}};
  if (outcome->timed_out) result["timedOut"] = true;
  return result;
}

api::Result<api::LabActions::Stream> DockerLabActions::ExecStream(const std::string& lab,
                                                                  const json& request,
                                                                  const api::Principal& who) {
  auto r = ParseExec(lab, request, true);
  if (!r.ok()) return r.status();
  Stream s;
  s.content_type = api::kExecStreamContentType;
  s.produce = [this, r = std::move(*r), lab, user = who.user](const ByteSink& sink) mutable {
    return StreamExec(r, lab, user, sink);
  };
  return s;
}

Status DockerLabActions::StreamExec(ExecRequest& r, const std::string& lab, const std::string& user,
                                    const ByteSink& sink) {
  // Output and heartbeats come from two threads; a failed write means the client is gone.
  std::mutex mu;
  bool gone = false;
  auto send = [&](int stream, std::string_view payload) {
    std::lock_guard<std::mutex> l(mu);
    gone = gone || !sink(api::MuxFrame(stream, payload));
    return !gone;
  };
  // The heartbeat is how a silent command notices its client left: the second write to a
  // closed connection fails.
  r.control.cancelled = [&] { return !send(api::kExecStreamHeartbeat, ""); };
  std::string stdin_exec;
  if (r.stdin == true) {
    r.control.on_stdin = [&](const std::shared_ptr<docker::ExecSession>& session) {
      stdin_execs_.Add(lab, user, session);
      stdin_exec = session->id();
      send(api::kExecStreamStarted, json{{"execId", stdin_exec}}.dump());
    };
  }
  auto outcome = docker::RunExec(
      engine_, r.container, r.cmd, [&](int stream, std::string_view d) { return send(stream, d); },
      r.control);
  if (!stdin_exec.empty()) stdin_execs_.Remove(stdin_exec);
  if (!outcome.ok()) {
    send(api::kExecStreamExit, json{{"error", outcome.status().ToString()}}.dump());
    return outcome.status();
  }
  json exit = {{"exitCode", outcome->exit_code}};
  if (outcome->timed_out) exit["timedOut"] = true;
  if (outcome->cancelled) exit["cancelled"] = true;
  send(api::kExecStreamExit, exit.dump());
  return Status::Ok();
}

Status DockerLabActions::ExecStdin(const std::string& lab, const std::string& exec_id,
                                   const ByteSource& body, const api::Principal& who) {
  auto session = stdin_execs_.Claim(lab, exec_id, who);
  if (!session.ok()) return session.status();
  Status written = Status::Ok();
  api::MuxDemuxer frames([&](int stream, std::string_view data) {
    if (stream != api::kExecStdinData || data.empty()) return true;  // keep-alive
    written = (*session)->WriteStdin(data);
    return written.ok();
  });
  bool complete = body([&](std::string_view chunk) { return frames.Feed(chunk); });
  // The end of the body is EOF for the process; so is a client that went away mid-body.
  Status closed = (*session)->CloseStdin();
  spdlog::debug("exec stdin ended exec={} complete={} written=\"{}\"", exec_id, complete,
                written.ToString());
  if (!written.ok()) return Status::Conflict("exec " + exec_id + " has ended");
  return closed;
}

api::Result<api::LabActions::Stream> DockerLabActions::Logs(const std::string& lab,
                                                            const Params& params,
                                                            const api::Principal&) {
  auto object = store_.Get(api::Kind::kLab, lab);
  if (!object.ok()) return object.status();
  auto info = InspectNode(*object, Param(params, "node", ""));
  if (!info.ok()) return info.status();
  int tail = -1;  // all
  if (const std::string text = Param(params, "tailLines", "-1"); text != "-1") {
    auto lines = IntParam(params, "tailLines", 0, 100'000'000);
    if (!lines.ok()) return lines.status();
    tail = *lines;
  }
  std::string follow = Param(params, "follow", "false");
  bool follow_on = follow == "1" || follow == "true";
  Stream s;
  s.content_type = "text/plain";
  std::string id = info->id;
  s.produce = [this, id, tail, follow_on](const ByteSink& sink) {
    return engine_.StreamLogs(id, tail, follow_on,
                              [&](int, std::string_view d) { return sink(d); });
  };
  return s;
}

api::Result<api::LabActions::Stream> DockerLabActions::Capture(const std::string& lab,
                                                               const Params& params,
                                                               const api::Principal&) {
  auto id = NodeContainer(lab, Param(params, "node", ""));
  if (!id.ok()) return id.status();
  auto request = ParseCaptureRequest(params);
  if (!request.ok()) return request.status();
  auto info = engine_.InspectContainer(*id);
  if (!info.ok()) return info.status();
  auto ns = net::Netns::OpenPid(info->pid);
  if (!ns.ok()) return ns.status();
  // Started here, not in the stream, so a bad interface or filter is a 4xx with tcpdump's words.
  std::shared_ptr<net::StreamingProcess> tcpdump;
  LABCTL_RETURN_IF_ERROR(ns->Run([&]() -> Status {
    auto started = net::StreamingProcess::Start(request->Argv());
    if (!started.ok()) {
      if (started.status().code() == api::Code::kNotFound)
        return Status::Unavailable("tcpdump is not installed on the lab host");
      return started.status();
    }
    tcpdump = std::move(*started);
    return Status::Ok();
  }));
  if (!tcpdump->WaitForStderr("listening on", std::chrono::seconds(5)) && tcpdump->exited())
    return Status::BadRequest("tcpdump in node " + request->node + ": " + tcpdump->err());
  spdlog::info("capture started lab={} node={} iface={} seconds={} pid={}", lab, request->node,
               request->iface, request->seconds, tcpdump->pid());
  Stream s;
  s.content_type = "application/vnd.tcpdump.pcap";
  const int seconds = request->seconds;
  s.produce = [tcpdump, seconds, lab](const ByteSink& sink) {
    std::optional<std::chrono::steady_clock::time_point> deadline;
    if (seconds > 0) deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    int code = tcpdump->Pump(sink, deadline);
    spdlog::info("capture ended lab={} exit={} tcpdump=\"{}\"", lab, code,
                 docker::LastLine(tcpdump->err()));
    return Status::Ok();
  };
  return s;
}

}  // namespace labctl::reconcilers
