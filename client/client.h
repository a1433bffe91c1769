// Client: the one HTTP client for labd's API, used by labctl, tests and benchmarks.
//
// Wraps a keep-alive cpp-httplib client (hidden behind a pimpl so httplib.h stays in client.cpp).
// Every call returns an api::Result/Status: non-2xx answers become the server's Status object,
// connection failures become Unavailable ("cannot reach labd at URL: ..."). A Client is not
// thread-safe; Watch and StreamGet open their own connection, so a long stream never blocks the
// keep-alive connection used by the other calls.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/object.h"
#include "api/status.h"

namespace labctl::client {

using json = nlohmann::json;

struct Options {
  std::string server = "http://127.0.0.1:7450";  // http://host:port
  std::string token;                             // bearer token; empty: none
  std::chrono::milliseconds timeout{30000};      // connect/read/write timeout per request
};

struct WatchParams {
  std::string resource_version;  // empty: ADDED for every existing object first
  std::string label_selector;
  std::string name;         // only this object (fieldSelector, also filtered client-side)
  int timeout_seconds = 0;  // server closes the stream after this long; 0: never
  bool bookmarks = false;
  // Stop with a Timeout status once this passes (checked on every line, keep-alives included).
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

// Called with each event {"type":..., "object":...}; return false to stop watching.
using WatchCallback = std::function<bool(const json& event)>;
// Called with each chunk of a streamed body; return false to stop.
using ChunkCallback = std::function<bool(std::string_view chunk)>;
// Produces a request body: calls `write` for each piece (it returns false once the connection
// failed); returns true when the body is complete, false to abandon the request.
using BodyProducer = std::function<bool(const ChunkCallback& write)>;

// The API path of a collection or object: /apis/labctl.dev/v1alpha1/labs[/name].
std::string ResourcePath(api::Kind kind, const std::string& name = "");
// Percent-encodes a query parameter value.
std::string UrlEncode(std::string_view s);

class Client {
 public:
  explicit Client(Options options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const Options& options() const { return options_; }

  api::Result<json> Get(api::Kind kind, const std::string& name);
  // A list object {"kind":"LabList","metadata":{"resourceVersion":..},"items":[...]}.
  api::Result<json> List(api::Kind kind, const std::string& label_selector = "", int limit = 0);
  api::Result<json> Create(api::Kind kind, const json& object);
  api::Result<json> Replace(api::Kind kind, const json& object);
  api::Result<json> Patch(api::Kind kind, const std::string& name, const json& merge_patch);
  api::Result<json> ReplaceStatus(api::Kind kind, const json& object);
  api::Result<json> Delete(api::Kind kind, const std::string& name);
  api::Result<json> Post(const std::string& path, const json& body);
  // Any request; a 2xx body that is not JSON is returned as a JSON string, an empty body as null.
  api::Result<json> Request(const std::string& method, const std::string& path,
                            const std::string& body = "",
                            const std::string& content_type = "application/json");

  // Streams watch events until the callback returns false (OK), the server ends the stream (OK),
  // the deadline passes (Timeout), or an error: 410 as HTTP status or ERROR event -> Gone.
  // Blank keep-alive lines are skipped.
  api::Status Watch(api::Kind kind, const WatchParams& params, const WatchCallback& callback);
  // GETs `path` and hands the body over in chunks as it arrives (logs, capture).
  api::Status StreamGet(const std::string& path, const ChunkCallback& callback);
  // POSTs `body` to `path` and hands the answer over the same way (streamed exec).
  api::Status StreamPost(const std::string& path, const json& body, const ChunkCallback& callback);
  // POSTs a body sent in chunks as `produce` makes it (chunked transfer encoding, no write
  // timeout: the server may stop reading while its side is busy), on its own connection
  // (stdin of a streamed exec). OK also when `produce` abandoned the request; Unavailable when
  // the server stopped reading before the body was complete.
  api::Status StreamUpload(const std::string& path, const std::string& content_type,
                           const BodyProducer& produce);

 private:
  api::Status StreamRequest(const std::string& method, const std::string& path,
                            const std::string& body, const ChunkCallback& callback);

  struct Impl;
  Options options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace labctl::client
