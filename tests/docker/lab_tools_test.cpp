// labctl capture, lab collect and lab reset end to end: the real labd (with its Lab controller
// and network hook on the real dockerd) driven by the real labctl. The lab is a cone NAT
// gateway between a client network and a reflector network (10.187.x), on the test image with
// the udp_reflector; its name is unique per run and leftovers are swept by prefix.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "docker/labd_docker.h"
#include "docker/natlab_testing.h"
#include "drivers/docker/naming.h"
#include "reconcilers/providers/docker/node_processes.h"
#include "support/labd_process.h"
#include "tests/support/poll.h"

namespace labctl {
namespace {

using testing::CommandResult;
using testing::RunLabctl;

const std::string kPrefix = "dktool" + testing::CheckoutTag();

std::string LabYaml(const std::string& name) {
  const std::string image = testing::kNetImage;
  return "apiVersion: labctl.dev/v1alpha1\n"
         "kind: Lab\n"
         "metadata: {name: " +
         name +
         "}\n"
         "spec:\n"
         "  runPolicy: Always\n"
         "  networks:\n"
         "    - {name: a, subnet: 10.187.1.0/24}\n"
         "    - {name: b, subnet: 10.187.2.0/24}\n"
         "  nodes:\n"
         "    - name: gw\n"
         "      image: " +
         image +
         "\n"
         "      capAdd: [NET_ADMIN]\n"
         "      interfaces: [{network: a, ipv4: 10.187.1.254}, {network: b, ipv4: 10.187.2.254}]\n"
         "      nat: {type: cone, inside: a, outside: b}\n"
         "    - name: c1\n"
         "      image: " +
         image +
         "\n"
         "      interfaces: [{network: a, ipv4: 10.187.1.10}]\n"
         "      defaultGateway: gw\n"
         "      dependsOn: [gw]\n"
         "    - name: c2\n"
         "      image: " +
         image +
         "\n"
         "      command: [udp_reflector, \"3478\"]\n"
         "      interfaces: [{network: b, ipv4: 10.187.2.10}]\n";
}

class LabToolsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { testing::BuildNatlabImage(); }

  void SetUp() override {
    testing::LabdProcess::Options o;
    o.extra_args = {"--docker-host",       "unix:///var/run/docker.sock",
                    "--instance",          testing::TestInstance(kPrefix),
                    "--orphan-lab-prefix", kPrefix};
    labd_ = std::make_unique<testing::LabdProcess>(o);
    tmp_ = testing::MakeTempDir("labtools");
    lab_ = kPrefix + std::to_string(getpid() % 100000);
    std::ofstream(tmp_ + "/lab.yaml") << LabYaml(lab_);
    auto applied = Labctl({"apply", "-f", tmp_ + "/lab.yaml"});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    auto ready = Labctl({"wait", "lab/" + lab_, "--for=condition=Ready", "--timeout=120s"});
    ASSERT_EQ(ready.exit_code, 0) << ready.out << ready.err << testing::ReadFile(labd_->log_path());
  }

  void TearDown() override {
    auto deleted = Labctl({"delete", "lab", lab_, "--wait"});
    EXPECT_EQ(deleted.exit_code, 0) << deleted.out << deleted.err;
    labd_.reset();
  }

  CommandResult Labctl(const std::vector<std::string>& args) {
    return RunLabctl(labd_->url(), args);
  }

  std::string Container(const std::string& node) { return docker::ContainerName(lab_, node); }

  int InitPid(const std::string& node) {
    auto r = testing::RunProgram({"docker", "inspect", "-f", "{{.State.Pid}}", Container(node)});
    return std::atoi(r.out.c_str());
  }

  // What the reflector behind the gateway saw for c1's socket on `port`.
  std::string Probe(int port) {
    auto r = Labctl({"exec", "lab/" + lab_, "c1", "--", "udp_reflector", "probe",
                     std::to_string(port), "10.187.2.10:3478"});
    auto lines = testing::SplitLines(r.out);
    return lines.empty() ? "" : lines[0];
  }

  std::unique_ptr<testing::LabdProcess> labd_;
  std::string tmp_;
  std::string lab_;
};

TEST_F(LabToolsTest, CaptureWritesAPcapThatTcpdumpReads) {
  const std::string file = tmp_ + "/c1.pcap";
  CommandResult captured;
  std::thread capture([&] {
    captured = Labctl({"capture", "lab/" + lab_, "c1", "--iface", "eth0", "--filter", "icmp",
                       "--duration", "8", "-w", file});
  });
  // tcpdump (-U) writes the pcap file header once it is attached to the interface.
  EXPECT_TRUE(testing::PollUntil([&] { return testing::ReadFile(file).size() >= 24; }))
      << "tcpdump never attached";
  auto ping =
      Labctl({"exec", "lab/" + lab_, "c1", "--", "ping", "-c", "4", "-i", "0.5", "10.187.2.10"});
  EXPECT_EQ(ping.exit_code, 0) << ping.out << ping.err;
  capture.join();
  ASSERT_EQ(captured.exit_code, 0) << captured.out << captured.err;
  std::string pcap = testing::ReadFile(file);
  ASSERT_GE(pcap.size(), 24u);
  // Classic pcap, written little-endian on this host: a1b2c3d4 (µs) or a1b23c4d (ns).
  const std::string magic = pcap.substr(0, 4);
  EXPECT_TRUE(magic == std::string("\xd4\xc3\xb2\xa1", 4) ||
              magic == std::string("\x4d\x3c\xb2\xa1", 4));
  auto read = testing::RunProgram({"tcpdump", "-n", "-r", file});
  EXPECT_EQ(read.exit_code, 0) << read.err;
  EXPECT_NE(read.out.find("ICMP echo request"), std::string::npos) << read.out;
  EXPECT_NE(read.out.find("10.187.1.10 > 10.187.2.10"), std::string::npos) << read.out;

  // tcpdump's own complaint comes back as an error, before any pcap bytes.
  auto bad = Labctl(
      {"capture", "lab/" + lab_, "c1", "--filter", "no such ( filter", "-w", tmp_ + "/bad.pcap"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("tcpdump"), std::string::npos) << bad.err;
  auto bad_iface =
      Labctl({"capture", "lab/" + lab_, "c1", "--iface", "eth7", "-w", tmp_ + "/bad.pcap"});
  EXPECT_EQ(bad_iface.exit_code, 1);
}

TEST_F(LabToolsTest, CollectWritesLogsInspectDataAndEvents) {
  const std::string dir = tmp_ + "/artifacts";
  auto r = Labctl({"lab", "collect", lab_, "-d", dir});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("collected 3 nodes"), std::string::npos) << r.out;
  EXPECT_NE(testing::ReadFile(dir + "/lab.yaml").find("name: " + lab_), std::string::npos);
  EXPECT_NE(testing::ReadFile(dir + "/events.yaml").find("CreatedNode"), std::string::npos);
  for (const char* node : {"gw", "c1", "c2"}) {
    const std::string base = dir + "/nodes/" + node;
    EXPECT_TRUE(std::filesystem::exists(base + "/logs.txt")) << node;
    auto inspect = nlohmann::json::parse(testing::ReadFile(base + "/inspect.json"), nullptr, false);
    ASSERT_FALSE(inspect.is_discarded()) << node;
    EXPECT_EQ(inspect["container"]["Name"], "/" + Container(node));
    EXPECT_TRUE(inspect["network"]["addresses"].is_array()) << inspect["network"].dump();
  }
  auto gw = nlohmann::json::parse(testing::ReadFile(dir + "/nodes/gw/inspect.json"));
  EXPECT_NE(gw["network"]["iptables"].get<std::string>().find("MASQUERADE"), std::string::npos);
}

TEST_F(LabToolsTest, ResetRestoresRulesFlushesConntrackAndKillsExecProcesses) {
  ASSERT_EQ(Probe(41100), "10.187.2.254:41100");
  // A test run leaves the lab dirty: NAT gone, a firewall rule added, a background process.
  auto gw = InitPid("gw");
  ASSERT_GT(gw, 0);
  auto dirty = [&](const std::vector<std::string>& argv) {
    std::vector<std::string> full = {"nsenter", "-t", std::to_string(gw), "-n"};
    full.insert(full.end(), argv.begin(), argv.end());
    auto done = testing::RunProgram(full);
    EXPECT_EQ(done.exit_code, 0) << done.err;
  };
  dirty({"iptables", "-t", "nat", "-F", "POSTROUTING"});
  dirty({"iptables", "-A", "FORWARD", "-p", "icmp", "-j", "DROP"});
  auto bg = testing::RunProgram({"docker", "exec", "-d", Container("c1"), "sleep", "1000"});
  ASSERT_EQ(bg.exit_code, 0) << bg.err;
  // A daemon that a `labctl exec`'d shell detached: re-parented to the container's init once the
  // shell exits, found by labd's exec marker.
  auto detached = Labctl(
      {"exec", "lab/" + lab_, "c1", "--", "sh", "-c", "sleep 1001 </dev/null >/dev/null 2>&1 &"});
  ASSERT_EQ(detached.exit_code, 0) << detached.out << detached.err;
  auto before = reconcilers::ExecStartedProcesses(InitPid("c1"));
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->size(), 2u);
  EXPECT_EQ(Probe(41101), "timeout");
  auto tracked = testing::RunProgram(
      {"nsenter", "-t", std::to_string(gw), "-n", "conntrack", "-L", "-p", "udp"});
  EXPECT_NE(tracked.out.find("dport=3478"), std::string::npos) << tracked.out << tracked.err;

  auto reset = Labctl({"lab", "reset", lab_});
  ASSERT_EQ(reset.exit_code, 0) << reset.out << reset.err;
  EXPECT_NE(reset.out.find("node gw: rules restored"), std::string::npos) << reset.out;
  EXPECT_NE(reset.out.find("node c1: rules restored, conntrack flushed, 2 exec'd"),
            std::string::npos)
      << reset.out;

  tracked = testing::RunProgram(
      {"nsenter", "-t", std::to_string(gw), "-n", "conntrack", "-L", "-p", "udp"});
  EXPECT_EQ(tracked.out.find("dport=3478"), std::string::npos) << tracked.out;
  auto after = reconcilers::ExecStartedProcesses(InitPid("c1"));
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
  auto rules = testing::RunProgram({"nsenter", "-t", std::to_string(gw), "-n", "iptables-save"});
  EXPECT_EQ(rules.out.find("-j DROP"), std::string::npos) << rules.out;
  EXPECT_EQ(Probe(41102), "10.187.2.254:41102");
  auto ping =
      Labctl({"exec", "lab/" + lab_, "c1", "--", "ping", "-c", "1", "-W", "2", "10.187.2.10"});
  EXPECT_EQ(ping.exit_code, 0) << ping.out;
}

}  // namespace
}  // namespace labctl
