// Provider netlab end to end: netlab topologies applied with the real labctl to the real labd,
// which runs the real netlab CLI (with an isolated HOME: the machine's ~/.netlab is never
// touched) and realises what it generates on the system dockerd. A linux chain (p2p links) and
// a LAN (a bridge) run side by side with their own multilab ids; netlab's addresses are in the
// nodes and they ping across; `netlab status` and `netlab validate` work in the lab directory;
// a killed node comes back configured; teardown leaves nothing of either lab. Also: netlab
// missing -> ProviderUnavailable; labd killed -9 mid bring-up converges after a restart.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "docker/labd_docker.h"
#include "drivers/netlab/lab_bookkeeping.h"
#include "netlab/netlab_env.h"

namespace labctl {
namespace {

using api::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kTag = testing::CheckoutTag();
const std::string kPrefix = "nl" + kTag;

using Images = std::map<std::string, std::string>;  // netlab device -> local image

// A Lab of provider netlab named `name` with this topology and spec.netlab.images.
std::string LabManifest(const std::string& name, const std::string& topology,
                        const Images& images) {
  std::string indented;
  std::istringstream in(topology);
  for (std::string line; std::getline(in, line);) indented += "      " + line + "\n";
  std::string image_lines;
  for (const auto& [device, image] : images) image_lines += "      " + device + ": " + image + "\n";
  return "apiVersion: labctl.dev/v1alpha1\nkind: Lab\nmetadata:\n  name: " + name +
         "\nspec:\n  provider: netlab\n  runPolicy: Always\n  netlab:\n    images:\n" +
         image_lines + "    topology: |\n" + indented;
}

const char kChain[] = R"(defaults.device: linux
nodes: [a, b, c]
links: [a-b, b-c]
validate:
  ping_b:
    description: a reaches b across their link
    nodes: [a]
    plugin: ping('b')
)";

const char kLan[] = R"(defaults.device: linux
nodes: [h1, h2, h3, h4]
links:
- h1-h2-h3-h4
)";

// Leftovers of a killed earlier run: every object of this test's labd instance (the Neops lab's
// name carries no prefix of ours, its instance label does).
void SweepInstance(docker::DockerEngine& engine) {
  const std::string instance = testing::TestInstance(kPrefix);
  auto mine = [&](const docker::LabelMap& labels) {
    return docker::LabelOf(labels, docker::kLabelInstance) == instance;
  };
  if (auto containers = engine.ListContainers(docker::ManagedSelector()); containers.ok())
    for (const auto& c : *containers)
      if (mine(c.labels)) (void)engine.RemoveContainer(c.id, true);
  if (auto networks = engine.ListNetworks(docker::ManagedSelector()); networks.ok())
    for (const auto& n : *networks)
      if (mine(n.labels)) (void)engine.RemoveNetwork(n.id);
}

class LabdNetlabTest : public netlab::testing::NetlabTest {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(testing::BuildLabbox()); }
  void SetUp() override {
    NetlabTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    SweepInstance(engine_);
    StartLabd(program_);
  }
  void TearDown() override {
    for (const auto& lab : applied_) Labctl({"delete", "lab", lab});
    if (labd_)
      for (const auto& lab : applied_) testing::PollGone(*labd_, lab, 120s);
    labd_.reset();
    SweepInstance(engine_);
    NetlabTest::TearDown();
  }

  void StartLabd(const std::string& netlab, bool neops_facade = false) {
    auto options = testing::DockerLabdOptions(testing::kSystemDockerHost, kPrefix);
    options.extra_args.insert(options.extra_args.end(),
                              {"--netlab", netlab, "--netlab-home", scratch_, "--neops-facade",
                               neops_facade ? "true" : "false"});
    labd_ = std::make_unique<testing::LabdProcess>(options);
  }

  testing::CommandResult Labctl(const std::vector<std::string>& args) {
    return testing::RunLabctl(labd_->url(), args);
  }
  void Apply(const std::string& name, const std::string& topology,
             const std::string& image = "labbox:latest") {
    Apply(name, topology, Images{{"linux", image}});
  }
  void Apply(const std::string& name, const std::string& topology, const Images& images) {
    const std::string file = scratch_ + "/" + name + ".yaml";
    std::ofstream(file) << LabManifest(name, topology, images);
    auto applied = Labctl({"apply", "-f", file});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    applied_.push_back(name);
  }
  testing::CommandResult Exec(const std::string& lab, const std::string& node,
                              const std::vector<std::string>& cmd) {
    std::vector<std::string> args = {"exec", "lab/" + lab, node, "--"};
    args.insert(args.end(), cmd.begin(), cmd.end());
    return Labctl(args);
  }
  bool PollExec(const std::string& lab, const std::string& node,
                const std::vector<std::string>& cmd, const std::string& want_in_output = "") {
    return testing::PollUntil(
        [&] {
          auto r = Exec(lab, node, cmd);
          return r.exit_code == 0 && r.out.find(want_in_output) != std::string::npos;
        },
        90s, 300ms);
  }
  std::string Addresses(const std::string& lab, const std::string& node, const std::string& dev) {
    return Exec(lab, node, {"ip", "-o", "-4", "addr", "show", "dev", dev}).out;
  }
  ::testing::AssertionResult Ready(const std::string& lab) {
    api::Result<json> last = api::Status::NotFound("never read");
    if (testing::PollReady(*labd_, lab, 240s, &last)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << (last.ok() ? last->dump(2) : last.status().ToString())
                                         << "\nlabd log: " << labd_->log_path();
  }
  // Polls until the lab's Ready condition has `reason` and a message containing `text`.
  ::testing::AssertionResult ReadyReason(const std::string& lab, const std::string& reason,
                                         const std::string& text) {
    api::Result<json> last = api::Status::NotFound("never read");
    auto matches = [&](const api::Result<json>& l) {
      const json* ready = l.ok() ? api::FindCondition(*l, "Ready") : nullptr;
      return ready && ready->value("reason", "") == reason &&
             ready->value("message", "").find(text) != std::string::npos;
    };
    if (testing::PollLab(*labd_, lab, matches, 120s, &last)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << (last.ok() ? last->dump(2) : last.status().ToString());
  }
  // The lab's container of `node` (from its status) and its multilab id (from that name).
  std::string ContainerId(const std::string& lab, const std::string& node) {
    auto object = testing::LabdClient(*labd_).Get(api::Kind::kLab, lab);
    if (!object.ok()) return "";
    for (const auto& n : (*object)["status"].value("nodes", json::array()))
      if (n.value("name", "") == node) return n.value("containerID", "");
    return "";
  }
  int MultilabId(const std::string& lab, const std::string& node) {
    auto name =
        testing::RunProgram({"docker", "inspect", "--format", "{{.Name}}", ContainerId(lab, node)});
    std::smatch m;
    if (!std::regex_search(name.out, m, std::regex("clab-ml-([0-9]+)-"))) return -1;
    return std::stoi(m[1]);
  }
  std::string LabDir(const std::string& lab) { return labd_->data_dir() + "/labs/" + lab; }
  // Whether the lab has an event of `reason` whose message contains `text`.
  bool HasEvent(const std::string& lab, const std::string& reason, const std::string& text) {
    auto events = testing::LabdClient(*labd_).List(api::Kind::kEvent);
    if (!events.ok()) return false;
    for (const auto& e : (*events)["items"])
      if (e["involvedObject"].value("name", "") == lab && e.value("reason", "") == reason &&
          e.value("message", "").find(text) != std::string::npos)
        return true;
    return false;
  }

  docker::HttpEngine engine_;
  std::unique_ptr<testing::LabdProcess> labd_;
  std::vector<std::string> applied_;
};

TEST_F(LabdNetlabTest, ChainAndLanRunSideBySideConfiguredByNetlabAndLeaveNothing) {
  // A stored Docker lab (OnDemand, so not running) on the management subnets of multilab ids
  // 101 and 102: the netlab labs take other ids, or it could never start.
  const std::string docker_lab = kPrefix + "-docker";
  const std::string file = scratch_ + "/" + docker_lab + ".yaml";
  std::ofstream(file) << "apiVersion: labctl.dev/v1alpha1\nkind: Lab\nmetadata: {name: " +
                             docker_lab +
                             "}\nspec:\n  runPolicy: OnDemand\n  networks:\n"
                             "    - {name: lan1, subnet: 192.168.101.0/24}\n"
                             "    - {name: lan2, subnet: 192.168.102.0/25}\n"
                             "  nodes:\n    - {name: n, image: labbox:latest}\n";
  auto stored = Labctl({"apply", "-f", file});
  ASSERT_EQ(stored.exit_code, 0) << stored.out << stored.err;
  applied_.push_back(docker_lab);

  const std::string chain = kPrefix + "-chain", lan = kPrefix + "-lan";
  Apply(chain, kChain);
  Apply(lan, kLan);
  ASSERT_TRUE(Ready(chain));
  ASSERT_TRUE(Ready(lan));
  const int chain_id = MultilabId(chain, "a"), lan_id = MultilabId(lan, "h1");
  ASSERT_GT(chain_id, 0);
  ASSERT_GT(lan_id, 0);
  EXPECT_NE(chain_id, lan_id);
  for (int id : {chain_id, lan_id}) EXPECT_TRUE(id != 101 && id != 102) << id;

  // netlab's addressing (links with hosts get /24s from 172.16.0.0/16, host part = node id),
  // its routes, and traffic across the links and the LAN bridge.
  EXPECT_NE(Addresses(chain, "a", "eth1").find("172.16.0.1/24"), std::string::npos);
  EXPECT_NE(Addresses(chain, "b", "eth2").find("172.16.1.2/24"), std::string::npos);
  EXPECT_NE(Exec(chain, "c", {"ip", "route"}).out.find("172.16.1.0/24 dev eth1"),
            std::string::npos);
  auto eth0 = Addresses(chain, "a", "eth0");
  EXPECT_NE(eth0.find("192.168." + std::to_string(chain_id) + ".101/24"), std::string::npos)
      << eth0;
  EXPECT_EQ(Exec(chain, "a", {"ping", "-c", "1", "-W", "2", "172.16.0.2"}).exit_code, 0);
  EXPECT_EQ(Exec(chain, "c", {"ping", "-c", "1", "-W", "2", "172.16.1.2"}).exit_code, 0);
  EXPECT_NE(Addresses(lan, "h4", "eth1").find("172.16.0.4/24"), std::string::npos);
  EXPECT_EQ(Exec(lan, "h1", {"ping", "-c", "1", "-W", "2", "172.16.0.4"}).exit_code, 0);
  const std::string lan_bridge = "ml-" + std::to_string(lan_id) + "_1";
  EXPECT_EQ(testing::RunProgram({"ip", "link", "show", lan_bridge}).exit_code, 0) << lan_bridge;

  // netlab's own commands work against the labctl-realised lab in its directory.
  auto status = cli_.Status(LabDir(chain));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_TRUE(status->ok()) << status->Summary(40);
  EXPECT_NE(status->out.find("Lab " + std::to_string(chain_id) + " in "), std::string::npos)
      << status->out;
  EXPECT_NE(status->out.find("status: started"), std::string::npos) << status->out;
  auto validate = cli_.Validate(LabDir(chain));
  ASSERT_TRUE(validate.ok()) << validate.status().ToString();
  EXPECT_TRUE(validate->ok()) << validate->Summary(40);
  EXPECT_NE(validate->out.find("Tests passed: 1"), std::string::npos) << validate->out;

  // A reset (the hand-over to the next session) keeps what netlab configured.
  auto reset = Labctl({"lab", "reset", chain});
  EXPECT_EQ(reset.exit_code, 0) << reset.out << reset.err;
  EXPECT_NE(Addresses(chain, "a", "eth1").find("172.16.0.1/24"), std::string::npos);
  EXPECT_EQ(Exec(chain, "a", {"ping", "-c", "1", "-W", "2", "172.16.0.2"}).exit_code, 0);

  // Drift: a killed node comes back, gets netlab's configuration again, and so does its peer's
  // end of the re-created link.
  ASSERT_EQ(testing::RunProgram({"docker", "kill", ContainerId(chain, "a")}).exit_code, 0);
  EXPECT_TRUE(
      PollExec(chain, "a", {"ip", "-o", "-4", "addr", "show", "dev", "eth1"}, "172.16.0.1/24"))
      << "labd log: " << labd_->log_path();
  EXPECT_TRUE(PollExec(chain, "a", {"ping", "-c", "1", "-W", "1", "172.16.0.2"}));
  EXPECT_TRUE(Ready(chain));
  EXPECT_TRUE(HasEvent(chain, "NetlabInitial", "--limit a,b"));  // the node and its peer only
  // A node removed out of band is re-created and configured too.
  ASSERT_EQ(testing::RunProgram({"docker", "rm", "-f", ContainerId(chain, "c")}).exit_code, 0);
  EXPECT_TRUE(PollExec(chain, "c", {"ping", "-c", "1", "-W", "1", "172.16.1.2"}))
      << "labd log: " << labd_->log_path();
  EXPECT_TRUE(Ready(chain));
  EXPECT_TRUE(HasEvent(chain, "NetlabInitial", "--limit b,c"));

  // Teardown: nothing of either lab is left, and netlab's status file forgets both.
  for (const auto& lab : {chain, lan}) {
    auto deleted = Labctl({"delete", "lab", lab});
    ASSERT_EQ(deleted.exit_code, 0) << deleted.out << deleted.err;
  }
  for (const auto& lab : {chain, lan}) ASSERT_TRUE(testing::PollGone(*labd_, lab));
  applied_.clear();
  EXPECT_TRUE(testing::LeftoversOf(engine_, kPrefix).empty())
      << ::testing::PrintToString(testing::LeftoversOf(engine_, kPrefix));
  for (int id : {chain_id, lan_id}) {
    const std::string n = std::to_string(id);
    EXPECT_NE(testing::RunProgram({"docker", "network", "inspect", "nl_mgmt_" + n}).exit_code, 0);
    for (const auto& node : {"a", "b", "c", "h1", "h2", "h3", "h4"})
      EXPECT_FALSE(fs::is_symlink("/run/netns/clab-ml-" + n + "-" + node)) << n << node;
  }
  EXPECT_NE(testing::RunProgram({"ip", "link", "show", lan_bridge}).exit_code, 0);
  EXPECT_FALSE(fs::exists(LabDir(chain)));
  EXPECT_FALSE(fs::exists(LabDir(lan)));
  auto ids = netlab::StatusLabIds(status_file());
  if (ids.ok()) {
    EXPECT_TRUE(ids->empty()) << ::testing::PrintToString(*ids);
  }
}

// Two FRR routers running OSPF between two hosts: the routers configure themselves inside their
// containers (sysctls, interfaces, vtysh), which needs the capabilities and writable /proc/sys
// labd gives netlab's router nodes. The image is Debian's FRR (scripts/build-frr-image).
const char kOspf[] = R"(module: [ospf]
nodes:
  r1: {device: frr}
  r2: {device: frr}
  h1: {device: linux}
  h2: {device: linux}
links: [r1-r2, h1-r1, h2-r2]
)";

TEST_F(LabdNetlabTest, FrrRoutersConvergeOspfAndHostsPingAcross) {
  auto image = testing::RunProgram({std::string(LABCTL_SOURCE_DIR) + "/scripts/build-frr-image"});
  ASSERT_EQ(image.exit_code, 0) << "scripts/build-frr-image: " << image.out << image.err;
  const std::string lab = kPrefix + "-ospf";
  Apply(lab, kOspf, Images{{"linux", "labbox:latest"}, {"frr", "labctl-frr:latest"}});
  ASSERT_TRUE(Ready(lab));

  // What netlab knows of each node is in the Lab's status.
  auto object = testing::LabdClient(*labd_).Get(api::Kind::kLab, lab);
  ASSERT_TRUE(object.ok());
  std::map<std::string, json> facts;
  for (const auto& n : (*object)["status"]["nodes"]) facts[n["name"]] = n.value("netlab", json());
  EXPECT_EQ(facts["r1"].value("device", ""), "frr");
  EXPECT_EQ(facts["r1"]["loopback"].value("ipv4", ""), "10.0.0.1/32");
  EXPECT_EQ(facts["h1"].value("device", ""), "linux");
  EXPECT_TRUE(facts["r2"]["raw"].is_object());
  std::string h2_address;
  for (const auto& i : facts["h2"].value("interfaces", json::array()))
    if (i.value("ifname", "") == "eth1") h2_address = i.value("ipv4", "");
  ASSERT_FALSE(h2_address.empty()) << facts["h2"].dump(2);
  h2_address = h2_address.substr(0, h2_address.find('/'));

  // OSPF converges: r1 learns r2's loopback, and h1 reaches h2 across both routers.
  EXPECT_TRUE(PollExec(lab, "r1", {"vtysh", "-c", "show ip route ospf"}, "10.0.0.2/32"))
      << Exec(lab, "r1", {"vtysh", "-c", "show ip ospf neighbor"}).out;
  EXPECT_TRUE(PollExec(lab, "h1", {"ping", "-c", "1", "-W", "1", h2_address}));
  auto describe = Labctl({"describe", "lab", lab});
  EXPECT_NE(describe.out.find("frr"), std::string::npos) << describe.out;
}

TEST_F(LabdNetlabTest, NetlabMissingIsProviderUnavailableNotPendingForever) {
  labd_.reset();
  StartLabd(scratch_ + "/no-such-netlab");
  const std::string lab = kPrefix + "-missing";
  Apply(lab, kChain);
  EXPECT_TRUE(ReadyReason(lab, "ProviderUnavailable", "no-such-netlab"));
}

// What a Neops Remote Lab client does: a session, then POST /lab with a netlab topology and an
// extra file in a sub-folder; the answer comes once the lab is Ready (netlab initial done).
TEST_F(LabdNetlabTest, ANeopsUploadOfANetlabTopologyComesUpConfigured) {
  labd_.reset();
  StartLabd(program_, /*neops_facade=*/true);
  const std::string topology = scratch_ + "/upload.yml";
  std::ofstream(topology) << "# " << kPrefix << "\n"
                          << "defaults.device: linux\n"
                          << "defaults.devices.linux.clab.image: labbox:latest\n"
                          << "nodes: [a, b]\nlinks: [a-b]\n";
  std::ofstream(scratch_ + "/init.cfg") << "hostname a\n";
  auto session = testing::RunProgram({"curl", "-sS", "-X", "POST", labd_->url() + "/session"});
  const json sid = json::parse(session.out, nullptr, false);
  ASSERT_TRUE(sid.is_object() && sid.contains("session_id")) << session.out << session.err;
  const std::string header = "X-Session-ID: " + sid["session_id"].get<std::string>();
  auto up = testing::RunProgram({"curl", "-sS", "--max-time", "300", "-H", header, "-F",
                                 "topology=@" + topology + ";filename=netlab-topo.yml", "-F",
                                 "extra_files=@" + scratch_ + "/init.cfg;filename=configs/init.cfg",
                                 labd_->url() + "/lab"});
  const json body = json::parse(up.out, nullptr, false);
  ASSERT_TRUE(body.is_object() && body.contains("devices"))
      << up.out << up.err << "\nlabd log: " << labd_->log_path();
  std::set<std::string> devices;
  for (const auto& d : body["devices"]) devices.insert(d.value("name", ""));
  EXPECT_EQ(devices, (std::set<std::string>{"a", "b"}));
  auto listed = testing::RunProgram({"curl", "-sS", "-H", header, labd_->url() + "/lab/devices"});
  EXPECT_NE(listed.out.find("\"a\""), std::string::npos) << listed.out;

  // It ran in the facade's directory, on the topology under its uploaded name.
  auto labs = testing::LabdClient(*labd_).List(api::Kind::kLab);
  ASSERT_TRUE(labs.ok());
  ASSERT_EQ((*labs)["items"].size(), 1u);
  const std::string lab = api::Name((*labs)["items"][0]);
  applied_.push_back(lab);
  EXPECT_TRUE(fs::exists(LabDir(lab) + "/netlab-topo.yml"));
  EXPECT_TRUE(fs::exists(LabDir(lab) + "/configs/init.cfg"));
  EXPECT_NE(Addresses(lab, "a", "eth1").find("172.16.0.1/24"), std::string::npos);
  EXPECT_EQ(Exec(lab, "a", {"ping", "-c", "1", "-W", "2", "172.16.0.2"}).exit_code, 0);

  auto deleted = testing::RunProgram(
      {"curl", "-sS", "-X", "DELETE", "-H", header, labd_->url() + "/lab?force=true"});
  EXPECT_TRUE(testing::PollGone(*labd_, lab, 120s)) << deleted.out << deleted.err;
  applied_.clear();
  EXPECT_FALSE(fs::exists(LabDir(lab)));
}

TEST_F(LabdNetlabTest, AMissingImageIsAConditionNamingIt) {
  const std::string lab = kPrefix + "-noimage";
  const std::string image = "labctl-no-such-image:" + kPrefix;
  Apply(lab, kChain, image);
  EXPECT_TRUE(ReadyReason(lab, "ImageNotFound", image));
}

TEST_F(LabdNetlabTest, ATopologyNetlabRejectsIsNetlabCreateFailedWithItsOutput) {
  const std::string lab = kPrefix + "-bad";
  Apply(lab, "defaults.device: linux\nnodes: [a]\nlinks: [a-nosuchnode]\n");
  EXPECT_TRUE(ReadyReason(lab, "NetlabCreateFailed", "nosuchnode"));
}

TEST_F(LabdNetlabTest, StopKeepsTheInputsOnlyAndStartConfiguresAgain) {
  const std::string lab = kPrefix + "-stop";
  Apply(lab, kChain);
  ASSERT_TRUE(Ready(lab));
  const int id = MultilabId(lab, "a");
  auto stopped = Labctl({"lab", "stop", lab});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.out << stopped.err;
  ASSERT_TRUE(testing::PollLab(
      *labd_, lab,
      [](const api::Result<json>& l) {
        return l.ok() && (*l)["status"].value("phase", "") == "Stopped";
      },
      120s));
  EXPECT_TRUE(fs::exists(LabDir(lab) + "/topology.yml"));
  for (const auto& generated : {"clab.yml", "node_files", "netlab.snapshot.pickle", "hosts.yml"})
    EXPECT_FALSE(fs::exists(LabDir(lab) + "/" + generated)) << generated;
  auto ids = netlab::StatusLabIds(status_file());
  if (ids.ok()) {
    EXPECT_TRUE(ids->empty()) << ::testing::PrintToString(*ids);
  }
  auto started = Labctl({"lab", "start", lab});
  ASSERT_EQ(started.exit_code, 0) << started.out << started.err;
  ASSERT_TRUE(Ready(lab));
  EXPECT_EQ(MultilabId(lab, "a"), id);  // the lab keeps its id
  EXPECT_NE(Addresses(lab, "a", "eth1").find("172.16.0.1/24"), std::string::npos);
  EXPECT_EQ(netlab::StatusLabIds(status_file()).value(),
            std::vector<std::string>{std::to_string(id)});
}

// netlab writes a stub network (a link with one node) as a containerlab dummy link.
TEST_F(LabdNetlabTest, AStubLinkIsADummyInterfaceThatNetlabAddresses) {
  const std::string lab = kPrefix + "-stub";
  Apply(lab, "defaults.device: linux\nnodes: [a, b]\nlinks: [a-b, a]\n");
  ASSERT_TRUE(Ready(lab));
  EXPECT_NE(Addresses(lab, "a", "eth2").find("172.16.1.1/24"), std::string::npos)
      << Labctl({"describe", "lab", lab}).out << "\nlabd log: " << labd_->log_path();
  // A new container gets the interface again, and netlab configures it again.
  ASSERT_EQ(testing::RunProgram({"docker", "kill", ContainerId(lab, "a")}).exit_code, 0);
  EXPECT_TRUE(
      PollExec(lab, "a", {"ip", "-o", "-4", "addr", "show", "dev", "eth2"}, "172.16.1.1/24"))
      << "labd log: " << labd_->log_path();
}

TEST_F(LabdNetlabTest, LabdKilledMidBringUpConvergesAfterRestart) {
  const std::string lab = kPrefix + "-crash";
  Apply(lab, kChain);
  // Killed once netlab has generated the lab and the first container exists.
  ASSERT_TRUE(testing::PollUntil([&] { return !ContainerId(lab, "a").empty(); }, 120s, 50ms));
  labd_->Kill9();
  labd_->Start();
  ASSERT_TRUE(Ready(lab));
  EXPECT_NE(Addresses(lab, "a", "eth1").find("172.16.0.1/24"), std::string::npos)
      << Labctl({"describe", "lab", lab}).out << "\nlabd log: " << labd_->log_path();
  EXPECT_EQ(Exec(lab, "c", {"ping", "-c", "1", "-W", "2", "172.16.1.2"}).exit_code, 0);
}

}  // namespace
}  // namespace labctl
