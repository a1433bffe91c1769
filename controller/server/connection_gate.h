// ConnectionGate: owns labd's listening socket and every connection's life outside a handler.
//
// One thread (epoll) accepts, reads each request's head and body into memory within a deadline
// for the whole request, refuses at once what is over a limit, and only then hands the
// connection to a worker of the request's class; after a keep-alive answer the worker hands it
// back. So a connection that is idle, slow or half-sent costs a file descriptor and a few bytes,
// never a thread, and a worker is only ever busy with a complete request.
//
// Limits (GateLimits): connections in total (at the limit the connection with the nearest
// deadline that is not being served is closed to make room, so idle connections cannot lock
// others out) and per client address (429); head size (431/414); body size as sent or decoded
// from chunks (413); compressed bodies (415); whole-request read time (408); keep-alive idle
// time (closed); watch streams (--max-watchers) and long-running requests (--max-streams) in
// flight (429). Ordinary requests run on workers of their own, which watches and long-running
// requests never take. Running out of file descriptors is logged (at most every 10 s) and
// costs the oldest idle connection or a 100 ms pause in accepting, never a busy loop.
//
// TLS (optional): the handshake runs non-blocking on the gate's thread within the request
// timeout; the first byte tells TLS from plain HTTP, which gets a plain 400 naming https.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "api/status.h"
#include "controller/server/connection_io.h"
#include "controller/server/request_head.h"

namespace labctl::server {

class Metrics;
class TlsContext;

struct GateLimits {
  size_t max_connections = 10'000;
  size_t max_connections_per_client = 2'048;
  size_t max_watchers = 1024;
  size_t max_long_running = 64;
  size_t request_workers = 16;
  size_t max_head_bytes = 64 << 10;
  size_t max_body_bytes = 4 << 20;
  size_t max_buffered_bytes = 256 << 20;  // request bytes held by the gate at once
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};  // head + body
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};     // between requests
  std::chrono::milliseconds linger{std::chrono::seconds(2)};            // reading after a refusal
};

// A connection as a worker sees it while serving one request. The gate owns the socket; the
// worker reads and writes it (through GateStream, which uses `io`) and never closes it.
struct GateConnection {
  int fd = -1;
  ConnectionIo io;  // plain or TLS; every read and write of the connection goes through it
  std::string peer_ip;
  int peer_port = 0;
  std::string local_ip;
  int local_port = 0;
  std::string buffer;   // bytes read, not yet served: the request, maybe the start of the next
  size_t consumed = 0;  // of `buffer`, by the worker
  RequestHead head;
  RequestClass request_class = RequestClass::kOrdinary;
  size_t request_bytes = 0;      // head and buffered body at the start of `buffer`
  bool streams_body = false;     // the body was left on the socket for the handler to stream
  bool expect_answered = false;  // the gate already sent "100 Continue"
  bool peer_closed = false;      // the client shut down its sending side
  bool io_failed = false;        // a read or write of the worker failed
};

class ConnectionGate {
 public:
  enum class Disposition { kKeepAlive, kClose };
  // Serves the request at the start of conn.buffer; runs on a worker thread.
  using Serve = std::function<Disposition(GateConnection& conn)>;

  // With `tls` (not owned, outlives the gate) every connection must speak TLS: the gate drives
  // each handshake before reading the request, and answers plain HTTP with a 400 saying so.
  ConnectionGate(GateLimits limits, const RequestClassifier& classifier, Serve serve,
                 Metrics* metrics, const TlsContext* tls = nullptr);
  ~ConnectionGate();  // Stop()s
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  // Takes `listen_fd` (listening, non-blocking) and starts serving it.
  api::Status Start(int listen_fd);
  // Stops accepting, closes connections not being served, waits for requests in flight; after
  // `grace` shuts their sockets down so blocked reads and writes end. Idempotent.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

  size_t open_connections() const;

 private:
  struct Loop;
  std::unique_ptr<Loop> loop_;
};

}  // namespace labctl::server
