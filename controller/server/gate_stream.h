// GateStream: the httplib::Stream a worker serves one request through. Reads come first from
// the bytes the connection gate already read (the head and a buffered body), then from the
// connection (plain or TLS, through its ConnectionIo); every read and write waits at most its
// timeout. Writing never depends on
// whether the client still sends: a client that half-closed (shutdown(SHUT_WR) after its
// request) still gets the whole answer. With Coalesce (ordinary requests, never streams) the
// answer's writes (cpp-httplib writes the head and the body separately) are kept until Flush, so
// an answer leaves in one send: one TCP segment and one wake-up of the client, not two.
#pragma once

#include <httplib.h>

#include <chrono>

#include "controller/server/connection_gate.h"

namespace labctl::server {

class GateStream : public httplib::Stream {
 public:
  GateStream(GateConnection& conn, std::chrono::milliseconds read_timeout,
             std::chrono::milliseconds write_timeout)
      : conn_(conn), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return conn_.fd; }

  // Keeps writes until Flush (or kMaxCoalesced bytes, or the next read).
  void Coalesce() { coalesce_ = true; }
  // Sends what was kept; false if the connection failed.
  bool Flush();

 private:
  static constexpr size_t kMaxCoalesced = 64 * 1024;
  bool Wait(short events, std::chrono::milliseconds timeout) const;
  bool SendAll(const char* ptr, size_t size);

  GateConnection& conn_;
  std::chrono::milliseconds read_timeout_;
  std::chrono::milliseconds write_timeout_;
  bool coalesce_ = false;
  std::string pending_;  // kept writes (Coalesce)
};

}  // namespace labctl::server
