// RequestHead: what labd's connection gate learns from a request's head (request line and
// headers) before any handler runs — where the head ends, how its body is framed, and which
// class of request it is (ordinary, watch, long-running stream). Pure functions over bytes;
// no I/O, no httplib.
//
// Guarantees: a head is accepted only if its body framing is unambiguous (one Content-Length,
// or Transfer-Encoding: chunked alone, or neither, which means no body, RFC 9112 6.3) and its
// body is not compressed; everything else is refused with the Status to answer.
#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"

namespace labctl::server {

enum class RequestClass {
  kOrdinary,     // answered in bounded time by the reserved request workers
  kWatch,        // GET <list>?watch=1: a stream held open, limited by --max-watchers
  kLongRunning,  // exec, logs, capture, reset, a facade bring-up: limited by --max-streams
};
const char* RequestClassName(RequestClass c);

struct RequestHead {
  enum class Body { kNone, kLength, kChunked };
  std::string method;
  std::string path;   // percent-decoded, as cpp-httplib routes it
  std::string query;  // raw, after '?'
  size_t size = 0;    // bytes of the head, blank line included
  Body body = Body::kNone;
  uint64_t content_length = 0;  // for Body::kLength
  bool expect_continue = false;
};

// The end of the head in `bytes` (offset just past "\r\n\r\n"), or nullopt if not there yet.
// `from` lets a caller resume the search after the bytes it already searched.
std::optional<size_t> FindHeadEnd(std::string_view bytes, size_t from = 0);

// Parses the head bytes[0, head_size). Errors carry the HTTP code to answer (400, 415, 501).
api::Result<RequestHead> ParseRequestHead(std::string_view bytes, size_t head_size);

// The Status for a head still incomplete after `max_head_bytes`: 414 if even the request line
// is longer than cpp-httplib's 8 KiB limit, 431 otherwise.
api::Status HeadTooLarge(std::string_view bytes, size_t max_head_bytes);

// Percent-decoding as cpp-httplib does for paths (plus_as_space false) and queries (true).
std::string PercentDecode(std::string_view text, bool plus_as_space);

// Which routes are long-running, which are watchable lists, and which take their body as a
// stream (handed to the handler as it arrives instead of being read whole first).
class RequestClassifier {
 public:
  struct Rule {
    std::string method;
    std::regex path;
    std::string literal_prefix;  // what every path the regex matches starts with
    RequestClass request_class;
    bool streams_body = false;
  };
  // GET `path` with watch=1|true in its query is a watch.
  void AddWatchable(const std::string& path_regex);
  void AddLongRunning(const std::string& method, const std::string& path_regex,
                      bool streams_body = false);

  RequestClass Classify(const RequestHead& head) const;
  bool StreamsBody(const RequestHead& head) const;

 private:
  const Rule* Match(const RequestHead& head) const;
  std::vector<Rule> rules_;
};

}  // namespace labctl::server
