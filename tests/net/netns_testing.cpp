#include "net/netns_testing.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "drivers/net/netns.h"
#include "drivers/net/process.h"
#include "drivers/net/rtnetlink.h"
#include "tests/support/labd_process.h"

namespace labctl::net::testing {

TestNamespace::TestNamespace() {
  int ready[2];
  if (::pipe(ready) != 0) {
    ADD_FAILURE() << "pipe";
    return;
  }
  pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) _exit(1);
    char ok = ::unshare(CLONE_NEWNET) == 0 ? '1' : '0';
    (void)!::write(ready[1], &ok, 1);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char ok = '0';
  (void)!::read(ready[0], &ok, 1);
  ::close(ready[0]);
  EXPECT_EQ(ok, '1') << "unshare(CLONE_NEWNET) failed";
}

TestNamespace::~TestNamespace() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

BackgroundProcess::BackgroundProcess(int netns_pid, const std::vector<std::string>& argv) {
  char tmpl[] = "/tmp/labctl-net-test-XXXXXX";
  int fd = ::mkstemp(tmpl);
  out_path_ = tmpl;
  std::string ns_path = "/proc/" + std::to_string(netns_pid) + "/ns/net";
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) _exit(1);
    int ns = ::open(ns_path.c_str(), O_RDONLY);
    if (ns < 0 || ::setns(ns, CLONE_NEWNET) != 0) _exit(126);
    ::dup2(fd, 1);
    ::execv(args[0], args.data());
    _exit(127);
  }
  ::close(fd);
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  ::unlink(out_path_.c_str());
}

std::string BackgroundProcess::WaitOutput(int timeout_seconds) {
  if (pid_ > 0) {
    if (!labctl::testing::WaitExit(pid_, std::chrono::seconds(timeout_seconds))) return "";
    pid_ = -1;
  }
  return labctl::testing::ReadFile(out_path_);
}

std::string ReflectorPath() {
  return std::string(LABCTL_BINARY_DIR) + "/tests/images/reflector/udp_reflector";
}

std::string RunIn(int netns_pid, const std::vector<std::string>& argv) {
  auto ns = Netns::OpenPid(netns_pid);
  EXPECT_TRUE(ns.ok()) << ns.status().ToString();
  if (!ns.ok()) return "";
  std::string out;
  api::Status st = ns->Run([&]() -> api::Status {
    auto r = RunProcess(argv);
    if (!r.ok()) return r.status();
    out = r->out;
    return api::Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

api::Cidr Cidr(const std::string& text) {
  auto c = api::ParseCidr(text);
  EXPECT_TRUE(c.has_value()) << text;
  return c.value_or(api::Cidr{});
}

api::IpAddress Ip(const std::string& text) {
  auto ip = api::ParseIp(text);
  EXPECT_TRUE(ip.has_value()) << text;
  return ip.value_or(api::IpAddress{});
}

Rtnl RtnlIn(int netns_pid) {
  auto ns = Netns::OpenPid(netns_pid);
  EXPECT_TRUE(ns.ok()) << ns.status().ToString();
  auto rtnl = Rtnl::OpenIn(*ns);
  EXPECT_TRUE(rtnl.ok()) << rtnl.status().ToString();
  if (!rtnl.ok()) std::abort();  // nothing in a test can go on without it
  return std::move(rtnl).value();
}

void LoopbackUp(int netns_pid) {
  Rtnl rtnl = RtnlIn(netns_pid);
  auto lo = rtnl.FindLinkByName("lo");
  ASSERT_TRUE(lo.ok() && lo->has_value());
  ASSERT_TRUE(rtnl.SetUp((*lo)->index, true).ok());
}

}  // namespace labctl::net::testing
