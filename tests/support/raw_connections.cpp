#include "tests/support/raw_connections.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace labctl::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Waits for input until `deadline`; false when it passed.
bool WaitReadable(int fd, Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return false;
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, static_cast<int>(left)) > 0;
}

// Reads into `text` until `complete(text)` or EOF or the deadline; true if complete or EOF.
template <class Complete>
bool ReadUntil(int fd, std::string& text, Clock::time_point deadline, Complete complete) {
  char buf[16384];
  while (!complete(text)) {
    if (!WaitReadable(fd, deadline)) return false;
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return true;
    text.append(buf, static_cast<size_t>(n));
  }
  return true;
}

bool HeadComplete(const std::string& text) { return text.find("\r\n\r\n") != std::string::npos; }

bool ResponseComplete(const std::string& text) {
  size_t end = text.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::string head = text.substr(0, end);
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t cl = head.find("content-length:");
  if (cl == std::string::npos) return false;  // read until close
  return text.size() >= end + 4 + std::stoul(head.substr(cl + 15));
}

}  // namespace

void RaiseOwnFdLimit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

int ConnectFrom(int port, const std::string& source_ip) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in src{};
  src.sin_family = AF_INET;
  inet_pton(AF_INET, source_ip.c_str(), &src.sin_addr);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(port));
  dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Non-blocking while connecting: a server that stopped accepting must not hang the test.
  int flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof(src)) == 0;
  if (ok && connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof(dst)) != 0) {
    pollfd p{fd, POLLOUT, 0};
    int error = 0;
    socklen_t len = sizeof(error);
    ok = errno == EINPROGRESS && poll(&p, 1, 3000) > 0 &&
         getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
  }
  fcntl(fd, F_SETFL, flags);
  if (!ok) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::string ReadResponse(int fd, milliseconds deadline) {
  std::string text;
  ReadUntil(fd, text, Clock::now() + deadline, ResponseComplete);
  return text;
}

std::string ReadUntilClosed(int fd, milliseconds deadline) {
  std::string text;
  ReadUntil(fd, text, Clock::now() + deadline, [](const std::string&) { return false; });
  return text;
}

std::string ReadResponseHead(int fd, milliseconds deadline) {
  std::string text;
  ReadUntil(fd, text, Clock::now() + deadline, HeadComplete);
  return text;
}

int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.substr(9, 3).c_str());
}

std::string Exchange(int port, const std::string& request, milliseconds deadline,
                     const std::string& source_ip, bool half_close) {
  int fd = ConnectFrom(port, source_ip);
  if (fd < 0) return "";
  std::string response;
  // A server that answers before reading everything may stop reading: send what it takes.
  SendAll(fd, request);
  if (half_close) shutdown(fd, SHUT_WR);
  response = ReadResponse(fd, deadline);
  close(fd);
  return response;
}

int Probe(int port, milliseconds deadline) {
  return StatusOf(Exchange(port, "GET /healthz HTTP/1.1\r\nHost: probe\r\n\r\n", deadline));
}

Crowd::Crowd(int port, size_t count, const std::vector<std::string>& sources,
             const std::string& prefix) {
  auto give_up = Clock::now() + std::chrono::seconds(30);
  for (size_t i = 0; i < count && Clock::now() < give_up; ++i) {
    int fd = ConnectFrom(port, sources[i % sources.size()]);
    if (fd < 0) continue;
    send(fd, prefix.data(), prefix.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    fds_.push_back(fd);
  }
}

void Crowd::Trickle(milliseconds every) {
  trickler_ = std::thread([this, every] {
    while (!stop_) {
      for (int fd : fds_) send(fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      for (auto waited = milliseconds(0); waited < every && !stop_; waited += milliseconds(50))
        std::this_thread::sleep_for(milliseconds(50));
    }
  });
}

Crowd::~Crowd() {
  stop_ = true;
  if (trickler_.joinable()) trickler_.join();
  for (int fd : fds_) close(fd);
}

}  // namespace labctl::testing
