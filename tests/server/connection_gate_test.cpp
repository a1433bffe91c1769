// labd's connection handling against the real binary over loopback sockets: idle, half-sent and
// trickling connections, watch storms and half-closing clients must never keep an ordinary
// request from being answered; oversized or compressed requests are refused before they cost
// memory; labd owns its port alone and keeps serving at its fd limit. No test asserts a
// duration: a probe must be answered at all within a generous deadline (latency is measured in
// bench/api_bench --connections).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/server/server_test_util.h"
#include "tests/support/raw_connections.h"

namespace labctl::servertest {
namespace {

using std::chrono::seconds;
using testing::Crowd;
using testing::LabdProcess;
using namespace testing;  // raw connections

const std::string kLabs = std::string(kApi) + "/labs";
// Clients other than the probe's 127.0.0.1.
const std::vector<std::string> kOthers = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};

class ConnectionGateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { RaiseOwnFdLimit(); }
};

std::string Post(const std::string& path, const std::string& headers, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: t\r\n" + headers + "\r\n" + body;
}

std::string Chunked(const std::string& data, size_t chunk) {
  std::string out;
  char size[32];
  for (size_t at = 0; at < data.size(); at += chunk) {
    size_t n = std::min(chunk, data.size() - at);
    snprintf(size, sizeof(size), "%zx\r\n", n);
    out += size + data.substr(at, n) + "\r\n";
  }
  return out + "0\r\n\r\n";
}

// Issue 14 item 5: 1,100 connections sending a byte every 4 s took the API down; 3,000 idle
// half-sent heads caused an outage.
TEST_F(ConnectionGateTest, TricklingHalfSentHeadsDoNotStarveRequests) {
  LabdProcess labd;
  Crowd crowd(labd.port(), 3000, kOthers, "GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Slow: ");
  crowd.Trickle(std::chrono::milliseconds(4000));
  ASSERT_GT(crowd.connected(), 2900u);
  std::this_thread::sleep_for(seconds(5));  // let every connection be mid-head
  EXPECT_EQ(Probe(labd.port()), 200);
  EXPECT_EQ(Api(labd.port()).Get(kLabs).status, 200);
}

// Issue 14 item 5: idle keep-alive clients held a pool thread each (26 of them delayed the next
// request by 10 s on a 26-thread pool). Here 40 clients on labd's smallest pools send a request
// every 3 s, so that none ever goes idle long enough to be dropped.
TEST_F(ConnectionGateTest, KeepAliveClientsTakeNoWorkerBetweenRequests) {
  LabdProcess labd(LabdArgs({"--max-watchers", "4"}));
  std::vector<int> clients;
  for (int i = 0; i < 40; ++i) clients.push_back(ConnectFrom(labd.port(), kOthers[0]));
  std::atomic<bool> stop{false};
  std::thread busy([&] {
    while (!stop) {
      for (int fd : clients) {
        SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: k\r\n\r\n");
        ReadResponse(fd, std::chrono::milliseconds(50));
      }
      for (int i = 0; i < 60 && !stop; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  std::this_thread::sleep_for(seconds(4));
  EXPECT_EQ(Probe(labd.port()), 200);
  stop = true;
  busy.join();
  for (int fd : clients) close(fd);
}

// Issue 14 item 6: of 1,500 watch attempts on a labd with the default --max-watchers 1024, 1,040
// were served (more than the limit: the check raced) and the other 460 were never answered;
// ordinary requests were not answered either (every thread held a stream).
TEST_F(ConnectionGateTest, WatchesBeyondTheLimitGet429AndRequestsStillAnswer) {
  LabdProcess labd;
  std::vector<int> watches;
  for (int i = 0; i < 1500; ++i) {
    int fd = ConnectFrom(labd.port(), kOthers[i % 3]);
    SendAll(fd, "GET " + kLabs + "?watch=1 HTTP/1.1\r\nHost: w\r\n\r\n");
    watches.push_back(fd);
  }
  int streaming = 0, refused = 0, unanswered = 0;
  auto deadline = std::chrono::steady_clock::now() + seconds(30);
  for (int fd : watches) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    int status = StatusOf(ReadResponseHead(fd, std::max(left, std::chrono::milliseconds(1))));
    streaming += status == 200;
    refused += status == 429;
    unanswered += status == 0;
  }
  EXPECT_EQ(unanswered, 0);
  EXPECT_EQ(streaming, 1024);
  EXPECT_EQ(refused, 1500 - 1024);
  EXPECT_EQ(Probe(labd.port()), 200);
  EXPECT_EQ(Api(labd.port()).Get(kLabs).status, 200);
  for (int fd : watches) close(fd);
}

// Issue 14 item 14: clients that shut down their sending side after the request lost most
// answers (cpp-httplib refuses to write to a socket whose peer half-closed).
TEST_F(ConnectionGateTest, HalfClosingClientsGetEveryAnswer) {
  LabdProcess labd;
  int answered = 0;
  for (int i = 0; i < 200; ++i) {
    std::string response = Exchange(labd.port(), "GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n",
                                    seconds(10), "127.0.0.1", /*half_close=*/true);
    answered += StatusOf(response) == 200;
  }
  EXPECT_EQ(answered, 200);
}

TEST_F(ConnectionGateTest, PipelinedRequestsAreAnsweredInOrder) {
  LabdProcess labd;
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: p\r\n\r\n";
  const std::string last = "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n";
  int fd = ConnectFrom(labd.port());
  SendAll(fd,
          get + Post(kLabs, "Content-Type: application/json\r\nContent-Length: 1\r\n", "{") + last);
  std::string answers = ReadUntilClosed(fd, seconds(20));
  close(fd);
  std::vector<int> codes;
  for (size_t at = answers.find("HTTP/1.1 "); at != std::string::npos;
       at = answers.find("HTTP/1.1 ", at + 1))
    codes.push_back(StatusOf(answers.substr(at)));
  EXPECT_EQ(codes, (std::vector<int>{200, 400, 200}));  // "{" is not JSON
}

// Issue 13 item 7: a POST with neither Content-Length nor Transfer-Encoding has an empty body
// (RFC 9112 6.3); it was answered 400 after a 10 s wait.
TEST_F(ConnectionGateTest, PostWithoutContentLengthHasAnEmptyBody) {
  LabdProcess labd;
  Api api(labd.port());
  api.MustCreate("sessions", SampleSession("nobody"));
  const std::string session = std::string(kApi) + "/sessions/nobody";
  auto answer = [&](const std::string& path, const std::string& headers = "") {
    return StatusOf(Exchange(labd.port(), Post(path, headers, ""), seconds(20)));
  };
  EXPECT_EQ(answer(session + "/heartbeat"), 200);
  EXPECT_EQ(answer(session + "/release"), 200);
  EXPECT_EQ(answer("/session"), 201);  // Neops facade
  EXPECT_EQ(answer("/session/heartbeat", "X-Session-ID: none\r\n"), 404);
  EXPECT_EQ(answer("/lab/release"), 422);  // no X-Session-ID
  EXPECT_EQ(answer(kLabs + "/nolab/reset"), 404);
}

// Issue 14 item 7: the 4 MiB body limit applied only to a declared Content-Length.
TEST_F(ConnectionGateTest, BodyAndHeadLimitsHoldWhateverTheFraming) {
  LabdProcess labd;
  const std::string five_mib(5 << 20, 'x');
  auto status = [&](const std::string& request) {
    return StatusOf(Exchange(labd.port(), request, seconds(20)));
  };
  EXPECT_EQ(status(Post(kLabs, "Transfer-Encoding: chunked\r\n", Chunked(five_mib, 1000))), 413);
  EXPECT_EQ(status(Post(kLabs, "Content-Length: 5242880\r\n", five_mib)), 413);
  EXPECT_EQ(status(Post(kLabs, "Content-Encoding: gzip\r\nContent-Length: 4\r\n", "abcd")), 415);
  EXPECT_EQ(status(Post(kLabs, "Transfer-Encoding: gzip\r\n", "")), 501);
  EXPECT_EQ(status("GET /" + std::string(16 << 10, 'a') + " HTTP/1.1\r\n\r\n"), 414);
  std::string headers;
  for (int i = 0; i < 100; ++i)
    headers += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'h') + "\r\n";
  EXPECT_EQ(status("GET /healthz HTTP/1.1\r\n" + headers + "\r\n"), 431);
  // A chunked body within the limit still works.
  std::string lab = SampleLab("chunky").dump();
  EXPECT_EQ(status(Post(kLabs, "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n",
                        Chunked(lab, 7))),
            201);
  EXPECT_EQ(Probe(labd.port()), 200);
}

// Issue 14 item 7: chunked bodies, request lines and header floods of 64 MiB each cost labd
// their size in memory (and more); now they are refused after a bounded read.
TEST_F(ConnectionGateTest, HugeRequestsDoNotCostMemory) {
  LabdProcess labd;
  const std::string big(64 << 20, 'x');
  Exchange(labd.port(), Post(kLabs, "Transfer-Encoding: chunked\r\n", Chunked(big, 1 << 20)),
           seconds(20));
  Exchange(labd.port(), "GET /" + big + " HTTP/1.1\r\n\r\n", seconds(20));
  std::string flood;
  for (int i = 0; i < 8000; ++i) flood += "X-F: " + std::string(8000, 'f') + "\r\n";
  Exchange(labd.port(), "GET /healthz HTTP/1.1\r\n" + flood + "\r\n", seconds(20));
  EXPECT_EQ(Probe(labd.port()), 200);
  EXPECT_LT(ProcStatus(labd.pid(), "VmHWM"), 48 * 1024);
}

// Issue 14 item 9: the listener set SO_REUSEPORT, so a second labd shared the port.
TEST_F(ConnectionGateTest, SecondLabdOnTheSamePortFailsWithAddressInUse) {
  LabdProcess first;
  std::string data_dir = testing::MakeTempDir("labd-second");
  auto second = testing::RunProgram(
      {"timeout", "20", LABD_BIN, "--listen", "127.0.0.1:" + std::to_string(first.port()),
       "--data-dir", data_dir, "--docker-host", "unix:///nonexistent/labctl-test.sock",
       "--lab-controller", "false"});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.exit_code, 124) << "the second labd was serving until killed";
  EXPECT_NE(second.err.find("in use"), std::string::npos) << second.err;
  EXPECT_EQ(Probe(first.port()), 200);
  std::filesystem::remove_all(data_dir);
}

TEST_F(ConnectionGateTest, PerClientLimitRefusesOnlyThatClient) {
  LabdProcess labd(LabdArgs({"--max-client-connections", "10"}));
  Crowd crowd(labd.port(), 10, {kOthers[0]}, "GET /healthz HTTP/1.1\r\n");
  ASSERT_EQ(crowd.connected(), 10u);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(
      StatusOf(Exchange(labd.port(), "GET /healthz HTTP/1.1\r\n\r\n", seconds(20), kOthers[0])),
      429);
  EXPECT_EQ(Probe(labd.port()), 200);
}

TEST_F(ConnectionGateTest, AtMaxConnectionsIdleOnesMakeRoom) {
  LabdProcess labd(LabdArgs({"--max-connections", "50"}));
  Crowd crowd(labd.port(), 200, kOthers, "GET /healthz HTTP/1.1\r\n");
  EXPECT_EQ(Probe(labd.port()), 200);
}

std::string ProcLimits(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Max open files", 0) == 0) return line;
  return "";
}

// Issue 14 item 6: labd kept the soft fd limit it was started with.
TEST_F(ConnectionGateTest, RaisesItsFdLimitToTheHardLimit) {
  LabdProcess::Options options;
  options.command_prefix = {"prlimit", "--nofile=512:4096", "--"};
  LabdProcess labd(options);
  std::string limits = ProcLimits(labd.pid());
  EXPECT_NE(limits.find("4096                 4096"), std::string::npos) << limits;
}

// Issue 14 item 6: at its fd limit labd silently stopped accepting.
TEST_F(ConnectionGateTest, KeepsServingAtItsFdLimitAndSaysSo) {
  LabdProcess::Options options;
  options.command_prefix = {"prlimit", "--nofile=200:200", "--"};
  options.extra_args = {"--max-connections", "5000"};
  LabdProcess labd(options);
  Crowd crowd(labd.port(), 400, kOthers, "GET /healthz HTTP/1.1\r\nX-Slow: ");
  crowd.Trickle(std::chrono::milliseconds(4000));
  EXPECT_EQ(Probe(labd.port()), 200);
  std::string log = testing::ReadFile(labd.log_path());
  EXPECT_NE(log.find("Too many open files"), std::string::npos) << log.substr(0, 4000);
}

}  // namespace
}  // namespace labctl::servertest
