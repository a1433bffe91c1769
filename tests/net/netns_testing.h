// Test helpers: throw-away network namespaces held by child processes, and the UDP reflector
// run inside them.
//
// A TestNamespace is a forked child that unshared its network namespace and sleeps; its PID
// stands in for a container's init PID. The child dies with the test process (PDEATHSIG), so a
// killed run leaves nothing behind: the namespace and every veth end in it go with it.
#pragma once

#include <string>
#include <vector>

#include "api/ip.h"
#include "drivers/net/rtnetlink.h"

namespace labctl::net::testing {

class TestNamespace {
 public:
  TestNamespace();  // aborts the test on failure (ASSERT inside)
  ~TestNamespace();
  TestNamespace(const TestNamespace&) = delete;
  TestNamespace& operator=(const TestNamespace&) = delete;
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
};

// A program running in the background inside a namespace, stdout to a temp file; killed on
// destruction.
class BackgroundProcess {
 public:
  BackgroundProcess(int netns_pid, const std::vector<std::string>& argv);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  // Waits for exit (up to timeout) and returns stdout; "" if it did not exit.
  std::string WaitOutput(int timeout_seconds);

 private:
  int pid_ = -1;
  std::string out_path_;
};

// The reflector binary built by this tree.
std::string ReflectorPath();
// Runs argv inside the namespace of netns_pid and returns stdout (test fails on start errors).
std::string RunIn(int netns_pid, const std::vector<std::string>& argv);
// Output lines without the trailing newline.
std::vector<std::string> Lines(const std::string& text);
api::Cidr Cidr(const std::string& text);
api::IpAddress Ip(const std::string& text);
// Brings loopback up (a fresh namespace has it down).
void LoopbackUp(int netns_pid);
// An rtnetlink client in the namespace of netns_pid (the test fails if it cannot open).
Rtnl RtnlIn(int netns_pid);

}  // namespace labctl::net::testing
