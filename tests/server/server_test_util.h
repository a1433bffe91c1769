// Helpers for the labd integration tests: an HTTP client for one labd, sample objects, a
// background watch-stream reader and a raw-socket request for cases httplib's client cannot
// produce.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/labd_process.h"

namespace labctl::servertest {

using nlohmann::json;

inline constexpr char kApi[] = "/apis/labctl.dev/v1alpha1";

struct Reply {
  int status = 0;  // 0: no response (connection error)
  std::string body;
  json Json() const { return json::parse(body, nullptr, false); }
};

// labd options with these extra flags.
inline testing::LabdProcess::Options LabdArgs(std::vector<std::string> args) {
  testing::LabdProcess::Options options;
  options.extra_args = std::move(args);
  return options;
}

// A keep-alive client for one labd, optionally with a bearer token.
class Api {
 public:
  explicit Api(int port, std::string token = "");
  Reply Get(const std::string& path);
  Reply Post(const std::string& path, const std::string& body,
             const std::string& type = "application/json");
  Reply Put(const std::string& path, const std::string& body);
  Reply Patch(const std::string& path, const std::string& body,
              const std::string& type = "application/merge-patch+json");
  Reply Delete(const std::string& path, const std::string& body = "");
  // Creates; fails the test unless 201.
  json MustCreate(const std::string& plural, const json& object);
  // The reply of a request (status 0 when there was none).
  static Reply From(const httplib::Result& r);

 private:
  httplib::Headers Headers() const;
  httplib::Client client_;
  std::string token_;
};

// A tokens file (in a new temp dir) with root-token (root, admin), alice-token (alice),
// bob-token (bob, dev), view-token (viewer, readonly) and ops-token (ops, granted binds under
// /srv/labs, read-only binds under /etc/ssl, SYS_ADMIN and privileged).
std::string WriteTokensFile();
// A labd serving with WriteTokensFile() and clients for each token (and none).
struct TokenLabd {
  testing::LabdProcess labd{LabdArgs({"--tokens", WriteTokensFile()})};
  Api anonymous{labd.port()};
  Api root{labd.port(), "root-token"};
  Api alice{labd.port(), "alice-token"};
  Api bob{labd.port(), "bob-token"};
  Api viewer{labd.port(), "view-token"};
  Api ops{labd.port(), "ops-token"};
};

// A Neops facade client: a bearer token (may be empty) and, per call, an X-Session-ID.
class NeopsClient {
 public:
  NeopsClient(int port, std::string token);
  Reply Post(const std::string& path, const std::string& session = "");
  Reply Get(const std::string& path, const std::string& session = "");
  Reply Delete(const std::string& path, const std::string& session = "");
  // POST /lab with `topology` as lab.yml.
  Reply Upload(const std::string& session, const std::string& topology);
  // POST /session; the new session_id ("" unless 201).
  std::string NewSession();

 private:
  httplib::Headers Headers(const std::string& session) const;
  httplib::Client http_;
  std::string token_;
};

json SampleLab(const std::string& name, const json& labels = json::object());
json SampleSession(const std::string& name, const std::string& lab = "");
// Unique per process and call: "t<pid>-<n>".
std::string UniqueName(const std::string& prefix);
// Polls until Lab `lab`'s status.heldBy is `session` ("": released); false if it never is.
bool WaitHeld(Api& api, const std::string& lab, const std::string& session);

// Reads one watch stream on a background thread.
class WatchReader {
 public:
  WatchReader(int port, const std::string& path_and_query, std::string token = "");
  ~WatchReader();  // Stop()s
  // Waits until at least `n` events arrived or the stream ended or `timeout` passed.
  std::vector<json> WaitForEvents(size_t n,
                                  std::chrono::seconds timeout = std::chrono::seconds(20));
  // Waits until an event satisfying `pred` arrived; returns it (nullopt on timeout/end).
  template <class Pred>
  std::optional<json> WaitFor(Pred pred, std::chrono::seconds timeout = std::chrono::seconds(20));
  // Waits until the server ended the stream; false on timeout.
  bool WaitEnded(std::chrono::seconds timeout = std::chrono::seconds(20));
  int status();        // HTTP status (0 until headers arrived)
  std::string body();  // everything received
  std::vector<json> events();
  size_t keepalive_lines();  // empty lines seen
  void Stop();               // closes the connection from our side

 private:
  void OnData(const char* data, size_t size);

  httplib::Client client_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string body_;
  std::string partial_;
  std::vector<json> events_;
  size_t keepalives_ = 0;
  int status_ = 0;
  bool ended_ = false;
  std::atomic<bool> stop_{false};
};

template <class Pred>
std::optional<json> WatchReader::WaitFor(Pred pred, std::chrono::seconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  size_t checked = 0;
  std::optional<json> found;
  cv_.wait_for(lock, timeout, [&] {
    for (; checked < events_.size(); ++checked) {
      if (pred(events_[checked])) {
        found = events_[checked];
        return true;
      }
    }
    return ended_;
  });
  return found;
}

// Sends `request` verbatim on a new connection and returns what the server answered until it
// closed or 5 s passed.
std::string RawRequest(int port, const std::string& request);
// A metric's value from /metrics (-1 if absent).
double Metric(int port, const std::string& name);

}  // namespace labctl::servertest
