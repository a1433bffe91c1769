#include "controller/server/connection_gate.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

#include "controller/server/gate_response.h"
#include "controller/server/metrics.h"
#include "controller/server/next_request.h"
#include "controller/server/request_reader.h"
#include "controller/server/tls_context.h"
#include "controller/server/worker_pool.h"

namespace labctl::server {
namespace {

using Clock = std::chrono::steady_clock;
using api::Status;

constexpr size_t kReadChunk = 64 << 10;
constexpr auto kAcceptPause = std::chrono::milliseconds(100);
constexpr auto kLogEvery = std::chrono::seconds(10);
// A worker serves at most this many requests of one connection in a row, and only while no
// other request waits for a worker; it waits this long for the next one (less if one does).
constexpr int kMaxInRow = 64;
constexpr auto kNextRequestWindow = std::chrono::milliseconds(100);
// The first byte of a TLS connection: a handshake record.
constexpr unsigned char kTlsHandshakeRecord = 0x16;

std::string IpOf(const sockaddr_storage& addr, int* port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    *port = ntohs(in->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
    *port = ntohs(in6->sin6_port);
  }
  return text;
}

Status TooMany(const std::string& what, size_t limit, const std::string& flag) {
  return Status(
      api::Code::kTooManyRequests, "TooManyRequests",
      "labd holds its maximum of " + std::to_string(limit) + " " + what + " (" + flag + ")");
}

// Logs `message` under `key` at most every kLogEvery.
class RateLimitedLog {
 public:
  void Warn(const std::string& key, const std::string& message) {
    auto now = Clock::now();
    auto& last = last_[key];
    if (last != Clock::time_point() && now - last < kLogEvery) return;
    last = now;
    spdlog::warn("{}", message);
  }

 private:
  std::map<std::string, Clock::time_point> last_;
};

// Answers a connection that is not admitted, and closes it.
// A TLS client cannot read a plain answer before its handshake: it is only closed.
void RefuseAndClose(int fd, bool tls, const Status& status, Metrics* metrics) {
  if (metrics) {
    metrics->CountRequest("", status.http_code());
    metrics->CountRefusal("", status.http_code());
  }
  std::string response = RefusalResponse(status);
  if (!tls) (void)!send(fd, response.data(), response.size(), MSG_NOSIGNAL);
  close(fd);
}

}  // namespace

struct ConnectionGate::Loop {
  enum class State { kHandshake, kReading, kServing, kLinger };
  struct Slot {
    Slot(const GateLimits& limits, const RequestClassifier& classifier)
        : reader(limits, classifier) {}
    GateConnection conn;
    RequestReader reader;
    State state = State::kReading;
    RequestClass dispatched = RequestClass::kOrdinary;  // the class whose slot it holds
    Clock::time_point deadline;
    bool has_deadline = false;
    bool in_epoll = false;
    uint32_t events = 0;    // what epoll watches for while in_epoll
    bool answered = false;  // served at least one request (so an empty buffer is keep-alive)
    std::string out;        // refusal bytes still to send
    size_t discarded = 0;   // bytes read and dropped after a refusal
    bool closed = false;    // in `graveyard` until the current batch of events is done
  };

  Loop(GateLimits l, const RequestClassifier& c, Serve s, Metrics* m, const TlsContext* t)
      : limits(l),
        classifier(c),
        serve(std::move(s)),
        metrics(m),
        tls(t),
        ordinary_pool(l.request_workers),
        watch_pool(l.max_watchers),
        long_pool(l.max_long_running) {}

  void Run();
  void OnListener();
  void Admit(int fd, const sockaddr_storage& addr);
  void OnFdExhausted(int error);
  void OnEvent(Slot* slot, uint32_t events);
  void Handshake(Slot* slot);
  void WatchForIo(Slot* slot);
  void ReadRequest(Slot* slot);
  void Advance(Slot* slot);
  void Dispatch(Slot* slot);
  Disposition ServeInWorker(Slot* slot);
  void DrainReturns();
  void Resume(Slot* slot);
  void Refuse(Slot* slot, const Status& status);
  void FlushRefusal(Slot* slot);
  void DiscardInput(Slot* slot);
  void Expire(Clock::time_point now);
  bool EvictOldest();
  void Close(Slot* slot);
  void BeginStop();
  int WaitMillis(Clock::time_point now) const;

  void SetDeadline(Slot* slot, Clock::time_point t);
  void ClearDeadline(Slot* slot);
  void Watch(Slot* slot, uint32_t events);
  void Unwatch(Slot* slot);
  size_t& InFlight(RequestClass c) { return in_flight[static_cast<int>(c)]; }
  WorkerPool& PoolFor(RequestClass c);

  const GateLimits limits;
  const RequestClassifier& classifier;
  const Serve serve;
  Metrics* metrics;
  const TlsContext* tls;
  WorkerPool ordinary_pool;
  WorkerPool watch_pool;
  WorkerPool long_pool;

  int listen_fd = -1;
  int epoll_fd = -1;
  int wake_fd = -1;
  char listen_tag = 0;
  char wake_tag = 0;
  std::thread thread;

  // Owned by the loop thread.
  std::unordered_map<int, std::unique_ptr<Slot>> slots;
  // Closed slots live until the end of the epoll batch, which may still name them.
  std::vector<std::unique_ptr<Slot>> graveyard;
  std::set<std::pair<Clock::time_point, Slot*>> deadlines;
  std::unordered_map<std::string, size_t> per_client;
  std::array<size_t, 3> in_flight{};
  size_t serving = 0;
  size_t buffered = 0;
  bool accept_paused = false;
  Clock::time_point accept_resume;
  Clock::time_point stop_started;
  bool listener_closed = false;
  bool sockets_shut = false;
  RateLimitedLog log;

  // Shared with workers and Stop().
  std::mutex returns_mu;
  std::vector<std::pair<Slot*, Disposition>> returns;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> open{0};
  std::chrono::milliseconds grace{std::chrono::seconds(5)};
};

WorkerPool& ConnectionGate::Loop::PoolFor(RequestClass c) {
  switch (c) {
    case RequestClass::kWatch:
      return watch_pool;
    case RequestClass::kLongRunning:
      return long_pool;
    default:
      return ordinary_pool;
  }
}

void ConnectionGate::Loop::SetDeadline(Slot* slot, Clock::time_point t) {
  ClearDeadline(slot);
  slot->deadline = t;
  slot->has_deadline = true;
  deadlines.insert({t, slot});
}

void ConnectionGate::Loop::ClearDeadline(Slot* slot) {
  if (slot->has_deadline) deadlines.erase({slot->deadline, slot});
  slot->has_deadline = false;
}

void ConnectionGate::Loop::Watch(Slot* slot, uint32_t events) {
  if (slot->in_epoll && slot->events == events) return;
  slot->events = events;
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = slot;
  epoll_ctl(epoll_fd, slot->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, slot->conn.fd, &ev);
  slot->in_epoll = true;
}

void ConnectionGate::Loop::Unwatch(Slot* slot) {
  if (slot->in_epoll) epoll_ctl(epoll_fd, EPOLL_CTL_DEL, slot->conn.fd, nullptr);
  slot->in_epoll = false;
}

int ConnectionGate::Loop::WaitMillis(Clock::time_point now) const {
  Clock::time_point next = now + std::chrono::seconds(1);
  if (!deadlines.empty()) next = std::min(next, deadlines.begin()->first);
  if (accept_paused) next = std::min(next, accept_resume);
  if (stopping && !sockets_shut) next = std::min(next, stop_started + grace);
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
  return static_cast<int>(std::max<int64_t>(wait, 0));
}

void ConnectionGate::Loop::Run() {
  std::array<epoll_event, 256> events;
  for (;;) {
    if (stopping && !listener_closed) BeginStop();
    if (listener_closed && serving == 0) break;
    int n = epoll_wait(epoll_fd, events.data(), events.size(), WaitMillis(Clock::now()));
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      Slot* slot = static_cast<Slot*>(tag);
      try {
        if (tag == &listen_tag) {
          OnListener();
        } else if (tag == &wake_tag) {
          DrainReturns();
        } else if (!slot->closed) {
          OnEvent(slot, events[i].events);
        }
      } catch (const std::exception& e) {  // e.g. bad_alloc: lose the connection, not labd
        spdlog::error("connection gate: {}", e.what());
        if (tag != &listen_tag && tag != &wake_tag && !slot->closed) Close(slot);
      }
    }
    Expire(Clock::now());
    graveyard.clear();
  }
}

void ConnectionGate::Loop::OnListener() {
  for (int i = 0; i < 256 && !stopping; ++i) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    int fd =
        accept4(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      Admit(fd, addr);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
      OnFdExhausted(errno);
    else if (errno != EAGAIN && errno != EWOULDBLOCK)
      log.Warn("accept", std::string("accept failed: ") + std::strerror(errno));
    return;
  }
}

// Out of file descriptors: make room by closing the oldest idle connection, or stop polling
// the listener for a moment (it stays readable, so polling it would spin).
void ConnectionGate::Loop::OnFdExhausted(int error) {
  log.Warn("fds", fmt::format("accept: {} (fd limit reached with {} connections open, {} in "
                              "requests); closing the oldest idle connection or pausing accepts",
                              std::strerror(error), slots.size(), serving));
  if (EvictOldest()) return;
  epoll_event ev{};
  ev.data.ptr = &listen_tag;
  epoll_ctl(epoll_fd, EPOLL_CTL_MOD, listen_fd, &ev);
  accept_paused = true;
  accept_resume = Clock::now() + kAcceptPause;
}

void ConnectionGate::Loop::Admit(int fd, const sockaddr_storage& addr) {
  int port = 0;
  std::string ip = IpOf(addr, &port);
  auto held = per_client.find(ip);
  if (held != per_client.end() && held->second >= limits.max_connections_per_client) {
    log.Warn("per-client " + ip,
             fmt::format("refusing connections from {}: it holds {} (--max-client-connections)", ip,
                         held->second));
    return RefuseAndClose(fd, tls != nullptr,
                          TooMany("connections from " + ip, limits.max_connections_per_client,
                                  "--max-client-connections"),
                          metrics);
  }
  if (slots.size() >= limits.max_connections && !EvictOldest()) {
    log.Warn("max-connections",
             fmt::format("refusing connections: all {} are in requests (--max-connections)",
                         limits.max_connections));
    return RefuseAndClose(
        fd, tls != nullptr,
        Status::Unavailable("labd holds its maximum of " + std::to_string(limits.max_connections) +
                            " connections (--max-connections)"),
        metrics);
  }
  ++per_client[ip];
  int yes = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  auto slot = std::make_unique<Slot>(limits, classifier);
  slot->conn.fd = fd;
  if (tls)
    slot->state = State::kHandshake;  // ConnectionIo made once the first byte says TLS
  else
    slot->conn.io = ConnectionIo(fd);
  slot->conn.peer_ip = std::move(ip);
  slot->conn.peer_port = port;
  sockaddr_storage local{};
  socklen_t len = sizeof(local);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0)
    slot->conn.local_ip = IpOf(local, &slot->conn.local_port);
  Slot* s = slot.get();
  slots.emplace(fd, std::move(slot));
  open = slots.size();
  if (metrics) metrics->ConnectionsOpen(slots.size());
  Watch(s, EPOLLIN);
  SetDeadline(s, Clock::now() + limits.request_timeout);
}

void ConnectionGate::Loop::OnEvent(Slot* slot, uint32_t events) {
  if (slot->state == State::kLinger) {
    if (events & EPOLLOUT) FlushRefusal(slot);
    if (!slot->closed && slot->state == State::kLinger && (events & EPOLLIN)) DiscardInput(slot);
    return;
  }
  if (slot->state == State::kServing) return;
  if (slot->state == State::kHandshake) return Handshake(slot);
  ReadRequest(slot);
}

// TLS: the first byte tells a handshake from plain HTTP, which is answered in plain HTTP; then
// the handshake advances as the socket allows. Its deadline is the request's.
void ConnectionGate::Loop::Handshake(Slot* slot) {
  GateConnection& c = slot->conn;
  if (!c.io.tls()) {
    unsigned char first = 0;
    ssize_t n = recv(c.fd, &first, 1, MSG_PEEK);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n <= 0) return Close(slot);
    if (first != kTlsHandshakeRecord) {
      if (metrics) metrics->TlsHandshakeFailed("plain_http");
      c.io = ConnectionIo(c.fd);
      return Refuse(slot, Status::BadRequest("labd serves HTTPS on this port: the client sent "
                                             "plain HTTP (use an https:// URL)"));
    }
    SSL* ssl = tls->NewConnection(c.fd);
    if (!ssl) return Close(slot);
    c.io = ConnectionIo(c.fd, ssl);
  }
  std::string error;
  switch (c.io.Accept(&error)) {
    case ConnectionIo::Handshake::kDone:
      slot->state = State::kReading;
      Watch(slot, EPOLLIN);
      if (c.io.Pending()) ReadRequest(slot);
      return;
    case ConnectionIo::Handshake::kWantRead:
    case ConnectionIo::Handshake::kWantWrite:
      return WatchForIo(slot);
    case ConnectionIo::Handshake::kFailed:
      if (metrics) metrics->TlsHandshakeFailed("handshake");
      spdlog::debug("tls handshake failed remote={} error=\"{}\"", c.peer_ip, error);
      return Close(slot);
  }
}

// After an EAGAIN: wait for what the connection's I/O needs (TLS may need to write to read).
void ConnectionGate::Loop::WatchForIo(Slot* slot) {
  Watch(slot, slot->conn.io.WaitEvents() == POLLOUT ? EPOLLOUT : EPOLLIN);
}

// Reads what the request still needs (never more than the head limit, or the body's length)
// and advances it; level-triggered, so what is left is read on the next round.
void ConnectionGate::Loop::ReadRequest(Slot* slot) {
  GateConnection& c = slot->conn;
  char chunk[kReadChunk];
  // Bytes OpenSSL already decrypted are invisible to epoll: read them before returning.
  for (int round = 0; round < 4 || c.io.Pending(); ++round) {
    const size_t want = std::min(sizeof(chunk), slot->reader.Want(c));
    if (buffered + want > limits.max_buffered_bytes) {
      log.Warn("buffered", "refusing requests: the gate holds its maximum of request bytes");
      return Refuse(slot, Status::Unavailable("labd is holding its maximum of request bytes"));
    }
    const bool was_idle = slot->answered && c.buffer.empty();
    ssize_t n = c.io.Recv(chunk, want);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
      return WatchForIo(slot);
    if (n < 0) return Close(slot);
    if (n == 0) c.peer_closed = true;
    c.buffer.append(chunk, static_cast<size_t>(n));
    buffered += static_cast<size_t>(n);
    // A keep-alive connection's next request has the whole read timeout from its first byte.
    if (was_idle && n > 0) SetDeadline(slot, Clock::now() + limits.request_timeout);
    Advance(slot);
    if (n == 0 || slot->closed || slot->state != State::kReading) return;
  }
}

void ConnectionGate::Loop::Advance(Slot* slot) {
  switch (slot->reader.Advance(slot->conn)) {
    case RequestReader::Step::kNeedMore:
      if (slot->reader.TakeContinue()) {
        static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
        slot->conn.expect_answered = slot->conn.io.Send(kContinue, sizeof(kContinue) - 1) > 0;
      }
      return;
    case RequestReader::Step::kComplete:
      return Dispatch(slot);
    case RequestReader::Step::kRefuse:
      return Refuse(slot, slot->reader.refusal());
    case RequestReader::Step::kAbandoned:
      return Close(slot);
  }
}

void ConnectionGate::Loop::Dispatch(Slot* slot) {
  GateConnection& c = slot->conn;
  if (c.request_class == RequestClass::kWatch && InFlight(c.request_class) >= limits.max_watchers)
    return Refuse(slot, TooMany("watch streams", limits.max_watchers, "--max-watchers"));
  if (c.request_class == RequestClass::kLongRunning &&
      InFlight(c.request_class) >= limits.max_long_running)
    return Refuse(slot, TooMany("long-running requests (exec, logs, capture, reset, bring-up)",
                                limits.max_long_running, "--max-streams"));
  slot->dispatched = c.request_class;
  ++InFlight(c.request_class);
  ++serving;
  Unwatch(slot);
  ClearDeadline(slot);
  buffered -= c.buffer.size();
  slot->state = State::kServing;
  c.consumed = 0;
  c.io_failed = false;
  bool queued = PoolFor(c.request_class).Submit([this, slot] {
    Disposition d = ServeInWorker(slot);
    std::lock_guard<std::mutex> lock(returns_mu);
    returns.emplace_back(slot, d);
    uint64_t one = 1;
    (void)!write(wake_fd, &one, sizeof(one));
  });
  if (!queued) {  // shutting down
    std::lock_guard<std::mutex> lock(returns_mu);
    returns.emplace_back(slot, Disposition::kClose);
    uint64_t one = 1;
    (void)!write(wake_fd, &one, sizeof(one));
  }
}

void ConnectionGate::Loop::DrainReturns() {
  uint64_t count = 0;
  (void)!read(wake_fd, &count, sizeof(count));
  std::vector<std::pair<Slot*, Disposition>> done;
  {
    std::lock_guard<std::mutex> lock(returns_mu);
    done.swap(returns);
  }
  for (auto [slot, disposition] : done) {
    --InFlight(slot->dispatched);
    --serving;
    slot->answered = true;
    if (disposition == Disposition::kClose || stopping || slot->conn.io_failed) {
      Close(slot);
    } else {
      Resume(slot);
    }
  }
}

// Runs on a worker: serves the request, then the connection's next ones while they come at
// once (ordinary requests only, and only while no other request waits for a worker).
ConnectionGate::Disposition ConnectionGate::Loop::ServeInWorker(Slot* slot) {
  GateConnection& c = slot->conn;
  for (int served = 1;; ++served) {
    Disposition d = Disposition::kClose;
    try {
      d = serve(c);
    } catch (...) {
      spdlog::error("request failed with an unknown exception remote={}", c.peer_ip);
    }
    if (d != Disposition::kKeepAlive || c.streams_body || c.io_failed) return Disposition::kClose;
    FinishRequest(c, slot->reader);
    if (slot->dispatched != RequestClass::kOrdinary || served >= kMaxInRow || stopping ||
        ordinary_pool.queued() > 0 ||
        !ReadNextRequest(c, slot->reader, kNextRequestWindow, ordinary_pool.pressure_fd()) ||
        c.request_class != RequestClass::kOrdinary)
      return Disposition::kKeepAlive;
  }
}

// Back from a worker, which dropped the bytes of what it served: wait for the next request, which
// may be partly or wholly in the buffer already.
void ConnectionGate::Loop::Resume(Slot* slot) {
  GateConnection& c = slot->conn;
  slot->state = State::kReading;
  buffered += c.buffer.size();
  Watch(slot, EPOLLIN);
  SetDeadline(slot,
              Clock::now() + (c.buffer.empty() ? limits.idle_timeout : limits.request_timeout));
  if (!c.buffer.empty() || c.peer_closed) Advance(slot);
  if (!slot->closed && slot->state == State::kReading && c.io.Pending()) ReadRequest(slot);
}

// Answers `status` and closes: the answer is sent, the sending side shut down, and what the
// client still sends is read and dropped for a moment, so that the answer is not lost to a
// reset caused by unread input.
void ConnectionGate::Loop::Refuse(Slot* slot, const Status& status) {
  GateConnection& c = slot->conn;
  if (metrics) {
    metrics->CountRequest(c.head.method, status.http_code());
    metrics->CountRefusal(RequestClassName(c.request_class), status.http_code());
  }
  spdlog::debug("http refused code={} remote={} reason=\"{}\"", status.http_code(), c.peer_ip,
                status.message());
  slot->out = RefusalResponse(status);
  buffered -= c.buffer.size();
  c.buffer.clear();
  c.buffer.shrink_to_fit();
  slot->state = State::kLinger;
  SetDeadline(slot, Clock::now() + limits.linger);
  FlushRefusal(slot);
}

void ConnectionGate::Loop::FlushRefusal(Slot* slot) {
  while (!slot->out.empty()) {
    ssize_t n = slot->conn.io.Send(slot->out.data(), slot->out.size());
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Watch(slot, EPOLLIN | EPOLLOUT);
    if (n <= 0) return Close(slot);
    slot->out.erase(0, static_cast<size_t>(n));
  }
  slot->conn.io.ShutdownWrite();
  Watch(slot, EPOLLIN);
}

void ConnectionGate::Loop::DiscardInput(Slot* slot) {
  char chunk[kReadChunk];
  for (;;) {
    ssize_t n = recv(slot->conn.fd, chunk, sizeof(chunk), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    slot->discarded += n > 0 ? static_cast<size_t>(n) : 0;
    if (n <= 0 || slot->discarded > limits.max_body_bytes) return Close(slot);
  }
}

void ConnectionGate::Loop::Expire(Clock::time_point now) {
  if (accept_paused && now >= accept_resume && !listener_closed) {
    accept_paused = false;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &listen_tag;
    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, listen_fd, &ev);
  }
  if (stopping && !sockets_shut && now >= stop_started + grace) {
    sockets_shut = true;
    for (auto& [fd, slot] : slots)
      if (slot->state == State::kServing) shutdown(fd, SHUT_RDWR);
  }
  while (!deadlines.empty() && deadlines.begin()->first <= now) {
    Slot* slot = deadlines.begin()->second;
    ClearDeadline(slot);
    bool idle = slot->state == State::kReading && slot->conn.buffer.empty();
    if (slot->state == State::kHandshake && metrics) metrics->TlsHandshakeFailed("timeout");
    if (slot->state == State::kLinger || slot->state == State::kHandshake || idle) {
      Close(slot);
    } else {
      Refuse(slot, Status(static_cast<api::Code>(408), "RequestTimeout",
                          "request not received within " +
                              std::to_string(limits.request_timeout.count()) + " ms"));
    }
  }
}

// Closes the connection not in a request whose deadline is nearest, if there is one.
bool ConnectionGate::Loop::EvictOldest() {
  if (deadlines.empty()) return false;
  Slot* slot = deadlines.begin()->second;
  log.Warn("evict", fmt::format("connection limit reached: closing connections that are idle or "
                                "still sending (oldest first, from {})",
                                slot->conn.peer_ip));
  Close(slot);
  return true;
}

void ConnectionGate::Loop::Close(Slot* slot) {
  GateConnection& c = slot->conn;
  Unwatch(slot);
  ClearDeadline(slot);
  if (slot->state != State::kServing) buffered -= c.buffer.size();
  auto client = per_client.find(c.peer_ip);
  if (client != per_client.end() && --client->second == 0) per_client.erase(client);
  int fd = c.fd;
  close(fd);
  slot->closed = true;
  auto owned = slots.find(fd);
  graveyard.push_back(std::move(owned->second));
  slots.erase(owned);
  open = slots.size();
  if (metrics) metrics->ConnectionsOpen(slots.size());
}

void ConnectionGate::Loop::BeginStop() {
  stop_started = Clock::now();
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
  close(listen_fd);
  listener_closed = true;
  std::vector<Slot*> idle;
  for (auto& [fd, slot] : slots)
    if (slot->state != State::kServing) idle.push_back(slot.get());
  for (Slot* slot : idle) Close(slot);
}

ConnectionGate::ConnectionGate(GateLimits limits, const RequestClassifier& classifier, Serve serve,
                               Metrics* metrics, const TlsContext* tls)
    : loop_(std::make_unique<Loop>(limits, classifier, std::move(serve), metrics, tls)) {}

ConnectionGate::~ConnectionGate() { Stop(); }

api::Status ConnectionGate::Start(int listen_fd) {
  Loop& l = *loop_;
  l.listen_fd = listen_fd;
  l.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  l.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (l.epoll_fd < 0 || l.wake_fd < 0)
    return Status::Unavailable(std::string("cannot set up the connection gate: ") +
                               std::strerror(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &l.listen_tag;
  epoll_ctl(l.epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev);
  ev.data.ptr = &l.wake_tag;
  epoll_ctl(l.epoll_fd, EPOLL_CTL_ADD, l.wake_fd, &ev);
  l.thread = std::thread([&l] { l.Run(); });
  return Status::Ok();
}

void ConnectionGate::Stop(std::chrono::milliseconds grace) {
  Loop& l = *loop_;
  if (!l.thread.joinable()) return;
  l.grace = grace;
  l.stopping = true;
  uint64_t one = 1;
  (void)!write(l.wake_fd, &one, sizeof(one));
  l.thread.join();
  l.ordinary_pool.Shutdown();
  l.watch_pool.Shutdown();
  l.long_pool.Shutdown();
  close(l.epoll_fd);
  close(l.wake_fd);
}

size_t ConnectionGate::open_connections() const { return loop_->open.load(); }

}  // namespace labctl::server
