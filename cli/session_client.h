// Session client helpers for labctl's session commands: create a Session, wait (by watch) until
// it is Active (and its Lab Ready), heartbeat it from a background thread, release it. Internal
// to cli/session_cmd.cpp and cli/session_run.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "api/status.h"
#include "client/client.h"

namespace labctl::cli {

struct SessionRequest {
  std::string lab;     // optional
  std::string holder;  // free text
};

api::Result<std::string> CreateSession(client::Client& client, const SessionRequest& request);

struct WaitOptions {
  bool need_lab_ready = false;
  std::chrono::steady_clock::time_point deadline;
  bool show_progress = false;                     // one updating line on stderr
  const std::atomic<int>* interrupted = nullptr;  // non-zero: stop waiting (a signal number)
  std::string* lab = nullptr;  // set on success: the Lab the session holds (a spare of a pool)
};
// OK once Active (+LabReady); Timeout, Cancelled-like errors when the session finished, or
// Unavailable "interrupted" when *interrupted became non-zero.
api::Status WaitUntilActive(client::Client& client, const std::string& name,
                            const WaitOptions& options);

api::Status PostSessionAction(client::Client& client, const std::string& name,
                              const std::string& action);

// Heartbeats a session every `interval` on its own client until stopped; calls on_lost once if
// the server says the session is over (409/404).
class Heartbeater {
 public:
  Heartbeater(client::Options options, std::string name, std::chrono::milliseconds interval,
              std::function<void(const api::Status&)> on_lost);
  ~Heartbeater();  // stops
  void Stop();

 private:
  void Loop();
  client::Options options_;
  std::string name_;
  std::chrono::milliseconds interval_;
  std::function<void(const api::Status&)> on_lost_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace labctl::cli
