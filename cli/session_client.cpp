#include "cli/session_client.h"

#include <cstdio>

#include "api/warm_pool.h"

namespace labctl::cli {

namespace {

std::string Describe(const api::json& session) {
  std::string phase = session.value("/status/phase"_json_pointer, std::string("Waiting"));
  if (phase == "Waiting")
    return "waiting in queue: position " +
           std::to_string(session.value("/status/position"_json_pointer, 0));
  const api::json* ready = api::FindCondition(session, "LabReady");
  if (phase == "Active" && ready)
    return "active; lab " + ready->value("reason", std::string("pending")) +
           (ready->value("message", "").empty() ? "" : ": " + ready->value("message", ""));
  return phase;
}

bool IsFinished(const std::string& phase) {
  return phase == "Released" || phase == "Expired" || phase == "Cancelled" || phase == "Failed";
}

}  // namespace

api::Result<std::string> CreateSession(client::Client& client, const SessionRequest& request) {
  api::json session = {{"apiVersion", api::kApiVersion},
                       {"kind", "Session"},
                       {"metadata", {{"generateName", "session-"}}},
                       {"spec", api::json::object()}};
  if (!request.lab.empty()) session["spec"]["lab"] = request.lab;
  if (!request.holder.empty()) session["spec"]["holder"] = request.holder;
  auto created = client.Create(api::Kind::kSession, session);
  if (!created.ok()) return created.status();
  return api::Name(*created);
}

api::Status WaitUntilActive(client::Client& client, const std::string& name,
                            const WaitOptions& options) {
  std::string last_line;
  api::Status outcome = api::Status::Timeout("timed out waiting for session " + name);
  bool done = false;
  std::string resource_version;
  while (!done) {
    if (options.interrupted && options.interrupted->load())
      return api::Status::Unavailable("interrupted");
    if (std::chrono::steady_clock::now() >= options.deadline) break;
    client::WatchParams params;
    params.name = name;
    params.resource_version = resource_version;
    params.timeout_seconds = 2;  // short streams: signals and the deadline are checked between
    params.deadline = options.deadline;
    api::Status watched = client.Watch(api::Kind::kSession, params, [&](const api::json& event) {
      const api::json& object = event["object"];
      if (object.contains("metadata")) resource_version = api::ResourceVersion(object);
      std::string type = event.value("type", "");
      if (type == "DELETED") {
        outcome = api::Status::NotFound("session " + name + " was deleted");
        done = true;
        return false;
      }
      if (type != "ADDED" && type != "MODIFIED") return true;
      std::string phase = object.value("/status/phase"_json_pointer, std::string("Waiting"));
      if (options.show_progress) {
        std::string line = Describe(object);
        if (line != last_line) std::fprintf(stderr, "\r\033[K%s: %s", name.c_str(), line.c_str());
        last_line = line;
      }
      if (IsFinished(phase)) {
        outcome =
            api::Status::Conflict("session " + name + " is " + phase + ": " +
                                  object.value("/status/message"_json_pointer, std::string()));
        done = true;
        return false;
      }
      bool ready = !options.need_lab_ready || api::IsConditionTrue(object, "LabReady");
      if (phase == "Active" && ready) {
        if (options.lab) *options.lab = api::SessionLab(object);
        outcome = api::Status::Ok();
        done = true;
        return false;
      }
      return !(options.interrupted && options.interrupted->load());
    });
    if (watched.code() == api::Code::kGone)
      resource_version.clear();
    else if (!watched.ok() && watched.code() != api::Code::kTimeout)
      return watched;
  }
  if (options.show_progress && !last_line.empty()) std::fprintf(stderr, "\n");
  return outcome;
}

api::Status PostSessionAction(client::Client& client, const std::string& name,
                              const std::string& action) {
  return client
      .Post(client::ResourcePath(api::Kind::kSession, name) + "/" + action, api::json::object())
      .status();
}

Heartbeater::Heartbeater(client::Options options, std::string name,
                         std::chrono::milliseconds interval,
                         std::function<void(const api::Status&)> on_lost)
    : options_(std::move(options)),
      name_(std::move(name)),
      interval_(interval),
      on_lost_(std::move(on_lost)),
      thread_([this] { Loop(); }) {}

Heartbeater::~Heartbeater() { Stop(); }

void Heartbeater::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Heartbeater::Loop() {
  client::Client client(options_);
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stop_; })) {
    lock.unlock();
    api::Status beat = PostSessionAction(client, name_, "heartbeat");
    lock.lock();
    if (beat.code() == api::Code::kConflict || beat.code() == api::Code::kNotFound) {
      if (on_lost_) on_lost_(beat);
      return;
    }
  }
}

}  // namespace labctl::cli
