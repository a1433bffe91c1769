// Several Docker engines behind one labd (docs/hosts.md), for real: the real labd and labctl on
// the system dockerd (Host "local", from --docker-host) plus a private dockerd of the suite's own
// (private_dockerd.h) added as Host "spare". Placement spreads labs over both engines, a session
// waits for host capacity and starts when a lab leaves its host, a drained host keeps its labs
// but takes no new one, labd killed with -9 converges with labs on both engines, an engine that
// stops answering marks its Host not Ready and its labs HostLost and fails or moves them by
// their spec.onHostLost, what a returning engine holds that labd no longer wants is removed, a
// Host with labs is not deleted, and teardown leaves nothing on either engine.
// The private dockerd sets no iptables rules, so labs here do not depend on traffic between
// nodes (readiness is `true`).
// Without a private dockerd (no root, no dockerd binary) these tests skip, unless
// LABCTL_REQUIRE_DOCKERD=1 (scripts/test): then they fail.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <memory>

#include "api/host_placement.h"
#include "docker/lab_fixture.h"
#include "docker/labd_docker.h"
#include "docker/private_dockerd.h"
#include "support/test_skip.h"

namespace labctl {
namespace {

using api::json;
using namespace std::chrono_literals;

bool DockerdRequired() {
  const char* v = std::getenv("LABCTL_REQUIRE_DOCKERD");
  return v && std::string(v) == "1";
}

class LabdHostsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!testing::BuildLabbox()) return;  // each test reports it
    dockerd_ = std::make_unique<testing::PrivateDockerd>();
    start_ = dockerd_->EnableTls();
    if (start_.ok()) start_ = dockerd_->Start();
    if (start_.ok()) start_ = dockerd_->LoadImage("labbox:latest");
  }
  static void TearDownTestSuite() { dockerd_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(testing::BuildLabbox());
    if (!start_.ok()) {
      if (DockerdRequired()) FAIL() << "private dockerd: " << start_.ToString();
      LABCTL_SKIP() << "cannot run a private dockerd here: " << start_.ToString();
    }
    prefix_ = "hst" + testing::CheckoutTag();
    testing::SweepPrefix(system_, prefix_);
    testing::SweepPrefix(spare_engine(), prefix_);
    labd_ = std::make_unique<testing::LabdProcess>(
        testing::DockerLabdOptions(testing::kSystemDockerHost, prefix_));
  }

  void TearDown() override {
    if (!labd_) return;
    auto client = testing::LabdClient(*labd_);
    auto labs = client.List(api::Kind::kLab);
    ASSERT_TRUE(labs.ok()) << labs.status().ToString();
    for (const auto& lab : labs->at("items")) (void)client.Delete(api::Kind::kLab, api::Name(lab));
    for (const auto& lab : labs->at("items"))
      EXPECT_TRUE(testing::PollGone(*labd_, api::Name(lab), 60s)) << api::Name(lab);
    // Teardown leaves nothing on either engine.
    EXPECT_EQ(testing::LeftoversOf(system_, prefix_), std::vector<std::string>{});
    EXPECT_EQ(testing::LeftoversOf(spare_engine(), prefix_), std::vector<std::string>{});
  }

  docker::HttpEngine& spare_engine() {
    if (!spare_)
      spare_ = std::make_unique<docker::HttpEngine>(
          docker::HttpEngineOptions{.docker_host = dockerd_->host()});
    return *spare_;
  }

  client::Client Client() { return testing::LabdClient(*labd_); }

  // Host `name` with that spec and metadata.labels {pool: name}.
  void AddHost(const std::string& name, const json& spec) {
    json host = {{"apiVersion", api::kApiVersion},
                 {"kind", "Host"},
                 {"metadata", {{"name", name}, {"labels", {{"pool", name}}}}},
                 {"spec", spec}};
    auto created = Client().Create(api::Kind::kHost, host);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }

  // Host "spare" on the private dockerd, waited for until Ready.
  void AddSpareHost(json spec_extra = json::object()) {
    json spec = {{"endpoint", dockerd_->host()}};
    for (auto it = spec_extra.begin(); it != spec_extra.end(); ++it) spec[it.key()] = *it;
    AddHost("spare", spec);
    ASSERT_TRUE(PollHost("spare", [](const json& h) { return api::HostReady(h); }));
  }

  void PatchHost(const std::string& name, const json& spec) {
    auto patched = Client().Patch(api::Kind::kHost, name, {{"spec", spec}});
    ASSERT_TRUE(patched.ok()) << patched.status().ToString();
  }

  template <class Pred>
  bool PollHost(const std::string& name, Pred pred, std::chrono::seconds timeout = 60s) {
    auto client = Client();
    json last;
    bool ok = testing::PollUntil(
        [&] {
          auto host = client.Get(api::Kind::kHost, name);
          if (host.ok()) last = *host;
          return host.ok() && pred(*host);
        },
        timeout, 100ms);
    if (!ok) ADD_FAILURE() << "host " << name << ": " << last.dump(2);
    return ok;
  }

  // A one-node lab (Always unless said otherwise) on networks 10.<x>.1/2.0/24.
  std::string CreateLab(const std::string& suffix, int x, const std::string& run_policy = "Always",
                        json spec_extra = json::object()) {
    const std::string name = prefix_ + suffix;
    json ready = {{"readiness", {{"exec", {"true"}}, {"periodSeconds", 1}}}};
    json lab = testing::TwoNetLab(
        name, x,
        json::array({testing::Node("n1", {{"a", "10." + std::to_string(x) + ".1.10"}}, ready)}),
        run_policy);
    for (auto it = spec_extra.begin(); it != spec_extra.end(); ++it) lab["spec"][it.key()] = *it;
    auto created = Client().Create(api::Kind::kLab, lab);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return name;
  }

  json ReadyLab(const std::string& name) {
    api::Result<json> last = api::Status::Internal("never read");
    EXPECT_TRUE(testing::PollReady(*labd_, name, 120s, &last))
        << (last.ok() ? last->dump(2) : last.status().ToString()) << "\nlabd log "
        << labd_->log_path();
    return last.ok() ? *last : json::object();
  }

  // The engine of a Host of this test.
  docker::DockerEngine& EngineOf(const std::string& host) {
    return host == "spare" ? static_cast<docker::DockerEngine&>(spare_engine()) : system_;
  }

  bool RunsOn(const std::string& lab, const std::string& host) {
    auto c = EngineOf(host).InspectContainer(docker::ContainerName(lab, "n1"));
    return c.ok() && c->running;
  }

  // labd again, with `slots` session slots.
  void RestartLabdWithSlots(int slots) {
    labd_.reset();
    auto options = testing::DockerLabdOptions(testing::kSystemDockerHost, prefix_);
    options.extra_args.insert(options.extra_args.end(), {"--slots", std::to_string(slots)});
    labd_ = std::make_unique<testing::LabdProcess>(options);
  }

  // Session `<lab>-s` for `lab`.
  std::string CreateSession(const std::string& lab) {
    json s = {{"apiVersion", api::kApiVersion},
              {"kind", "Session"},
              {"metadata", {{"name", lab + "-s"}}},
              {"spec", {{"lab", lab}, {"holder", "hosts-test"}}}};
    auto created = Client().Create(api::Kind::kSession, s);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return lab + "-s";
  }

  json GetSession(const std::string& s) {
    auto got = Client().Get(api::Kind::kSession, s);
    return got.ok() ? *got : json::object();
  }

  std::string SessionPhase(const std::string& s) {
    return GetSession(s).value("status", json::object()).value("phase", "");
  }

  bool PollSession(const std::string& s, const std::function<bool(const json&)>& pred,
                   std::chrono::seconds timeout = 120s) {
    json last;
    bool ok = testing::PollUntil(
        [&] {
          last = GetSession(s);
          return pred(last);
        },
        timeout, 100ms);
    if (!ok)
      ADD_FAILURE() << "session " << s << ": " << last.dump(2) << "\nlabd log "
                    << labd_->log_path();
    return ok;
  }

  void Release(const std::string& s) {
    (void)Client().Post(client::ResourcePath(api::Kind::kSession, s) + "/release", json::object());
  }

  static std::unique_ptr<testing::PrivateDockerd> dockerd_;
  static api::Status start_;
  docker::HttpEngine system_{docker::HttpEngineOptions{.docker_host = testing::kSystemDockerHost}};
  std::unique_ptr<docker::HttpEngine> spare_;
  std::string prefix_;
  std::unique_ptr<testing::LabdProcess> labd_;
};

std::unique_ptr<testing::PrivateDockerd> LabdHostsTest::dockerd_;
api::Status LabdHostsTest::start_ = api::Status::Internal("not started");

TEST_F(LabdHostsTest, LocalHostIsListedAndHostsAreValidated) {
  ASSERT_TRUE(PollHost(api::kLocalHost, [](const json& h) { return api::HostReady(h); }));
  auto listed = testing::RunLabctl(labd_->url(), {"get", "hosts"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("local"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find(testing::kSystemDockerHost), std::string::npos) << listed.out;

  const std::string bad =
      "apiVersion: labctl.dev/v1alpha1\nkind: Host\nmetadata: {name: bad}\n"
      "spec: {endpoint: 'http://x', capacity: {labs: 0}}\n";
  auto applied = testing::RunLabctl(labd_->url(), {"apply", "-f", "-"}, bad);
  EXPECT_NE(applied.exit_code, 0);
  EXPECT_NE(applied.err.find("spec.endpoint"), std::string::npos) << applied.err;
  EXPECT_NE(applied.err.find("spec.capacity.labs"), std::string::npos) << applied.err;

  AddSpareHost({{"capacity", {{"labs", 3}}}});
  auto described = testing::RunLabctl(labd_->url(), {"describe", "host", "spare"});
  EXPECT_EQ(described.exit_code, 0) << described.err;
  EXPECT_NE(described.out.find("EngineReachable"), std::string::npos) << described.out;
  EXPECT_NE(described.out.find(dockerd_->host()), std::string::npos) << described.out;
  auto deleted = testing::RunLabctl(labd_->url(), {"delete", "host", "spare"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
}

TEST_F(LabdHostsTest, LabsSpreadOverBothHostsAndStayAfterKill9) {
  AddSpareHost();
  const std::string one = CreateLab("a", 181), two = CreateLab("b", 182);
  std::string host_one = api::LabHost(ReadyLab(one)), host_two = api::LabHost(ReadyLab(two));
  EXPECT_NE(host_one, host_two) << "fewest labs first spreads two labs over two hosts";
  EXPECT_TRUE(RunsOn(one, host_one));
  EXPECT_TRUE(RunsOn(two, host_two));
  auto wide = testing::RunLabctl(labd_->url(), {"get", "labs", "-o", "wide"});
  EXPECT_NE(wide.out.find("HOST"), std::string::npos) << wide.out;
  EXPECT_NE(wide.out.find("spare"), std::string::npos) << wide.out;
  ASSERT_TRUE(PollHost("spare", [](const json& h) {
    return h.value("status", json::object()).value("labs", json::array()).size() == 1;
  }));

  const std::string id_one =
      EngineOf(host_one).InspectContainer(docker::ContainerName(one, "n1"))->id;
  labd_->Kill9();
  // While labd is away a container dies on the spare engine: the restarted labd's event stream
  // and re-list of that engine must find it.
  (void)EngineOf(host_two).KillContainer(docker::ContainerName(two, "n1"));
  labd_->Start();
  EXPECT_TRUE(testing::PollLab(
      *labd_, two,
      [&](const api::Result<json>& lab) {
        return lab.ok() && testing::IsReadyNow(*lab) && RunsOn(two, host_two);
      },
      120s))
      << labd_->log_path();
  EXPECT_EQ(api::LabHost(ReadyLab(one)), host_one);
  EXPECT_EQ(api::LabHost(ReadyLab(two)), host_two);
  EXPECT_EQ(EngineOf(host_one).InspectContainer(docker::ContainerName(one, "n1"))->id, id_one)
      << "a lab stays on its host with its containers";
}

TEST_F(LabdHostsTest, SessionWaitsForHostCapacityAndStartsWhenALabLeaves) {
  RestartLabdWithSlots(5);
  PatchHost(api::kLocalHost, {{"capacity", {{"labs", 1}}}});
  AddSpareHost({{"capacity", {{"labs", 1}}}});
  const std::string a = CreateLab("qa", 183, "OnDemand"), b = CreateLab("qb", 184, "OnDemand"),
                    c = CreateLab("qc", 185, "OnDemand");
  const std::string sa = CreateSession(a), sb = CreateSession(b);
  ReadyLab(a);
  ReadyLab(b);
  const std::string sc = CreateSession(c);
  ASSERT_TRUE(testing::PollUntil([&] { return SessionPhase(sc) == "Waiting"; }, 30s, 100ms))
      << SessionPhase(sc);
  // Slots are free (5), but no host has room: it keeps waiting at the head of the queue, and
  // says so.
  EXPECT_TRUE(PollSession(sc, [](const json& s) {
    const json* active = api::FindCondition(s, "Active");
    return active && active->value("message", "").find("waiting for a host for lab") == 0 &&
           active->value("message", "").find("full (1/1 labs)") != std::string::npos;
  }));
  const json waiting = GetSession(sc);
  EXPECT_EQ(waiting.at("status").value("position", 0), 1);
  EXPECT_EQ(SessionPhase(sc), "Waiting");

  const std::string host_a = api::LabHost(*Client().Get(api::Kind::kLab, a));
  auto released =
      Client().Post(client::ResourcePath(api::Kind::kSession, sa) + "/release", json::object());
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  ASSERT_TRUE(testing::PollUntil([&] { return SessionPhase(sc) == "Active"; }, 120s, 100ms))
      << SessionPhase(sc) << " labd log " << labd_->log_path();
  EXPECT_EQ(api::LabHost(ReadyLab(c)), host_a) << "c takes the place a left";
  EXPECT_TRUE(testing::PollGone(*labd_, a, 1s) || !RunsOn(a, host_a));
  for (const auto& s : {sb, sc}) Release(s);
}

TEST_F(LabdHostsTest, DrainedHostKeepsItsLabsAndTakesNoNewOne) {
  AddSpareHost();
  const std::string one = CreateLab("d1", 186, "Always", {{"hostSelector", {{"pool", "spare"}}}});
  EXPECT_EQ(api::LabHost(ReadyLab(one)), "spare");
  PatchHost("spare", {{"unschedulable", true}});
  ASSERT_TRUE(
      PollHost("spare", [](const json& h) { return h.at("spec").value("unschedulable", false); }));
  const std::string two = CreateLab("d2", 187, "Always", {{"hostSelector", {{"pool", "spare"}}}});
  const std::string three = CreateLab("d3", 188);
  EXPECT_EQ(api::LabHost(ReadyLab(three)), "local") << "spare is drained";
  json waiting;
  EXPECT_TRUE(testing::PollLab(
      *labd_, two,
      [&](const api::Result<json>& lab) {
        if (!lab.ok()) return false;
        waiting = *lab;
        const json* ready = api::FindCondition(*lab, "Ready");
        return ready && ready->value("reason", "") == "Unschedulable";
      },
      30s))
      << waiting.dump(2);
  EXPECT_NE(api::FindCondition(waiting, "Ready")->value("message", "").find("spare: unschedulable"),
            std::string::npos)
      << waiting.dump(2);
  EXPECT_TRUE(RunsOn(one, "spare")) << "a drained host's labs keep running";
  EXPECT_EQ(api::LabHost(ReadyLab(one)), "spare");
  PatchHost("spare", {{"unschedulable", false}});
  EXPECT_EQ(api::LabHost(ReadyLab(two)), "spare") << "placed once the host takes labs again";
}

TEST_F(LabdHostsTest, TlsEndpointWorksWithTheRightCaOnly) {
  const std::string tls = dockerd_->tls_dir();
  auto spec = [&](const std::string& ca) {
    return json{
        {"endpoint", dockerd_->tls_host()},
        {"tls", {{"ca", tls + "/" + ca}, {"cert", tls + "/cert.pem"}, {"key", tls + "/key.pem"}}}};
  };
  AddHost("remote", spec("ca.pem"));
  AddHost("untrusted", spec("other-ca.pem"));
  ASSERT_TRUE(PollHost("remote", [](const json& h) { return api::HostReady(h); }));
  ASSERT_TRUE(PollHost("untrusted", [](const json& h) {
    const json* ready = api::FindCondition(h, "Ready");
    return ready && ready->value("reason", "") == "EngineUnreachable";
  }));
  auto remote = Client().Get(api::Kind::kHost, "remote");
  ASSERT_TRUE(remote.ok());
  EXPECT_EQ(remote->at("status").at("capabilities").value("execStdin", ""),
            "no (needs a unix:// endpoint)");
  const std::string lab = CreateLab("t1", 190, "Always", {{"hostSelector", {{"pool", "remote"}}}});
  EXPECT_EQ(api::LabHost(ReadyLab(lab)), "remote");
  EXPECT_TRUE(RunsOn(lab, "spare")) << "remote is the private dockerd over TLS";
}

// One lost engine, every policy at once (one dockerd restart): on "spare" run f (onHostLost
// Fail, held by a session), r (Reschedule, held by a session), k (Always, Fail) and g (Always,
// deleted while the engine is away); a third session waits for a slot.
TEST_F(LabdHostsTest, LostEngineFailsOrReschedulesByPolicyAndIsCleanedWhenItReturns) {
  RestartLabdWithSlots(2);
  AddSpareHost();
  PatchHost(api::kLocalHost, {{"unschedulable", true}});  // everything goes on spare first
  const json reschedule = {{"onHostLost", "Reschedule"}};
  const std::string f = CreateLab("hlf", 191, "OnDemand"),
                    r = CreateLab("hlr", 192, "OnDemand", reschedule),
                    k = CreateLab("hlk", 193, "Always"), g = CreateLab("hlg", 194, "Always"),
                    w = CreateLab("hlw", 195, "OnDemand");
  const std::string sf = CreateSession(f), sr = CreateSession(r);
  for (const auto& lab : {f, r, k, g}) EXPECT_EQ(api::LabHost(ReadyLab(lab)), "spare") << lab;
  PatchHost(api::kLocalHost, {{"unschedulable", false}});
  const std::string sw = CreateSession(w);
  ASSERT_TRUE(PollSession(sr, [](const json& s) { return api::IsConditionTrue(s, "LabReady"); }));
  EXPECT_TRUE(PollSession(sw, [](const json& s) {
    return s.value("status", json::object()).value("phase", "") == "Waiting";
  }));

  // A Host with labs on it is not deleted.
  auto refused = testing::RunLabctl(labd_->url(), {"delete", "host", "spare"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("still has labs placed on it"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find(k), std::string::npos) << refused.err;
  ASSERT_TRUE(Client().Get(api::Kind::kHost, "spare").ok());

  ASSERT_TRUE(dockerd_->Stop().ok());
  // Fail: the session fails and the waiter behind it gets the slot.
  EXPECT_TRUE(PollSession(sf, [](const json& s) {
    return s.value("status", json::object()).value("phase", "") == "Failed" &&
           s.at("status").value("reason", "") == "HostLost" && api::IsConditionTrue(s, "HostLost");
  }));
  EXPECT_TRUE(PollSession(sw, [](const json& s) {
    return s.value("status", json::object()).value("phase", "") == "Active";
  }));
  // Reschedule: the lab comes up on the other engine; its session stays and sees it Ready.
  EXPECT_TRUE(testing::PollLab(
      *labd_, r,
      [&](const api::Result<json>& l) {
        return l.ok() && api::LabHost(*l) == api::kLocalHost && testing::IsReadyNow(*l) &&
               RunsOn(r, api::kLocalHost);
      },
      120s))
      << labd_->log_path();
  EXPECT_TRUE(PollSession(sr, [](const json& s) {
    const json* lost = api::FindCondition(s, "HostLost");
    return s.value("status", json::object()).value("phase", "") == "Active" && lost &&
           api::IsConditionTrue(s, "LabReady");
  }));
  // Fail: the lab waits for its host.
  const json lost_k = *Client().Get(api::Kind::kLab, k);
  EXPECT_EQ(api::LabHost(lost_k), "spare");
  EXPECT_TRUE(api::IsConditionTrue(lost_k, "HostLost")) << lost_k.dump(2);
  ASSERT_TRUE(Client().Delete(api::Kind::kLab, g).ok());
  EXPECT_TRUE(testing::PollGone(*labd_, g, 60s)) << "the lost engine is not waited for";

  ASSERT_TRUE(dockerd_->Start().ok()) << dockerd_->log_path();
  EXPECT_TRUE(PollHost(
      "spare", [](const json& h) { return api::HostReady(h); }, 90s));
  EXPECT_TRUE(testing::PollLab(
      *labd_, k,
      [&](const api::Result<json>& l) {
        return l.ok() && testing::IsReadyNow(*l) && !api::IsConditionTrue(*l, "HostLost") &&
               RunsOn(k, "spare");
      },
      120s))
      << labd_->log_path();
  // What labd no longer wants on the returned engine is removed: r (moved) and g (deleted).
  for (const auto& gone : {r, g})
    EXPECT_TRUE(testing::PollUntil(
        [&] { return testing::LeftoversOf(spare_engine(), gone).empty(); }, 120s, 200ms))
        << gone << ": " << ::testing::PrintToString(testing::LeftoversOf(spare_engine(), gone));
  EXPECT_TRUE(RunsOn(r, api::kLocalHost)) << "r stays where it was rebuilt";
  for (const auto& s : {sr, sw}) Release(s);
}

}  // namespace
}  // namespace labctl
