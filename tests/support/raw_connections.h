// Raw loopback connections for the connection-limit tests: sockets from a chosen source
// address (127.0.0.0/8 is all local, so each address is a different client to labd), crowds of
// them held half-sent or trickling a byte at a time, and exchanges bounded by a deadline.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace labctl::testing {

using std::chrono::milliseconds;

// Raises this process's soft fd limit to its hard limit.
void RaiseOwnFdLimit();
// A blocking TCP connection from `source_ip` to 127.0.0.1:port; -1 on failure.
int ConnectFrom(int port, const std::string& source_ip = "127.0.0.1");
bool SendAll(int fd, const std::string& bytes);
// Reads one response (head and a Content-Length body, or everything until the server closes);
// "" if nothing arrived before the deadline.
std::string ReadResponse(int fd, milliseconds deadline);
// Reads until the server closes the connection (or the deadline).
std::string ReadUntilClosed(int fd, milliseconds deadline);
// Reads until the response head is complete (for streams); "" on deadline.
std::string ReadResponseHead(int fd, milliseconds deadline);
// The status code of a response text (0 if none).
int StatusOf(const std::string& response);
// One request on a new connection from `source_ip`: the response, or "" by the deadline.
std::string Exchange(int port, const std::string& request, milliseconds deadline,
                     const std::string& source_ip = "127.0.0.1", bool half_close = false);
// GET /healthz on a new connection; its status, 0 if not answered within `deadline`.
int Probe(int port, milliseconds deadline = std::chrono::seconds(20));

// `count` connections spread over `sources`, each sent `prefix` (e.g. a request head without
// its blank line). With Trickle() a thread sends one more header byte on each every `every`.
class Crowd {
 public:
  Crowd(int port, size_t count, const std::vector<std::string>& sources, const std::string& prefix);
  ~Crowd();
  void Trickle(milliseconds every);
  size_t connected() const { return fds_.size(); }

 private:
  std::vector<int> fds_;
  std::thread trickler_;
  std::atomic<bool> stop_{false};
};

}  // namespace labctl::testing
