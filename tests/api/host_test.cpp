// Host validation (422 naming the field) and placement (api/host_placement.h): selector, Ready,
// unschedulable, capacity of labs and nodes, subnets in use, fewest labs first.
#include <gtest/gtest.h>

#include "api/host_placement.h"
#include "api/validation.h"
#include "lab_fixture.h"

namespace labctl::api {
namespace {

using testing::HasCause;

json Host(const std::string& name, json spec, json labels = json::object(), bool ready = true) {
  json h = {{"apiVersion", "labctl.dev/v1alpha1"},
            {"kind", "Host"},
            {"metadata", {{"name", name}, {"labels", labels}}},
            {"spec", spec}};
  h["status"]["conditions"] =
      json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}});
  return h;
}

json Lab(const std::string& name, int nodes, const std::string& host = "",
         json selector = json::object()) {
  json lab = {{"metadata", {{"name", name}}}, {"spec", {{"nodes", json::array()}}}};
  for (int i = 0; i < nodes; ++i)
    lab["spec"]["nodes"].push_back({{"name", "n" + std::to_string(i)}, {"image", "x"}});
  if (!selector.empty()) lab["spec"]["hostSelector"] = selector;
  if (!host.empty()) lab["status"]["host"] = host;
  return lab;
}

TEST(HostValidation, AcceptsUnixAndTcpWithTls) {
  EXPECT_TRUE(ValidateHost(Host("a", {{"endpoint", "unix:///run/d.sock"}})).ok());
  Status st = ValidateHost(
      Host("b", {{"endpoint", "tcp://10.0.0.2:2376"},
                 {"tls", {{"ca", "/c/ca.pem"}, {"cert", "/c/cert.pem"}, {"key", "/c/key.pem"}}},
                 {"capacity", {{"labs", 4}, {"nodes", 40}}},
                 {"unschedulable", true}}));
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(HostValidation, NamesEveryBadField) {
  Status st = ValidateHost(Host("a", {{"endpoint", "http://x:1"},
                                      {"capacity", {{"labs", 0}, {"cpus", 2}}},
                                      {"unschedulable", "yes"}}));
  EXPECT_EQ(st.code(), Code::kInvalid);
  EXPECT_TRUE(HasCause(st, "spec.endpoint"));
  EXPECT_TRUE(HasCause(st, "spec.capacity.labs"));
  EXPECT_TRUE(HasCause(st, "spec.capacity.cpus"));
  EXPECT_TRUE(HasCause(st, "spec.unschedulable"));
  st = ValidateHost(Host("a", {{"endpoint", "unix:///s"}, {"tls", {{"ca", "/ca"}}}}));
  EXPECT_TRUE(HasCause(st, "spec.tls")) << st.ToString();
  st = ValidateHost(Host("a", {{"endpoint", "tcp://h:2376"}, {"tls", {{"ca", "rel.pem"}}}}));
  EXPECT_TRUE(HasCause(st, "spec.tls.ca")) << st.ToString();
  EXPECT_TRUE(HasCause(st, "spec.tls.cert")) << st.ToString();
  st = ValidateHost(Host("a", {{"endpoint", "tcp://h:99999"}}));
  EXPECT_TRUE(HasCause(st, "spec.endpoint")) << st.ToString();
  json no_spec = Host("a", {});
  no_spec.erase("spec");
  EXPECT_TRUE(HasCause(ValidateHost(no_spec), "spec"));
}

TEST(HostValidation, LabHostSelectorIsALabelMap) {
  json lab = testing::ExampleLab();
  lab["spec"]["hostSelector"] = {{"site", "lab 2"}};
  EXPECT_TRUE(HasCause(ValidateLab(lab), "spec.hostSelector[site]"));
  lab["spec"]["hostSelector"] = {{"site", "lab2"}};
  EXPECT_TRUE(ValidateLab(lab).ok()) << ValidateLab(lab).ToString();
}

TEST(HostPlacement, FewestLabsFirstThenName) {
  std::vector<json> hosts = {Host("a", {{"endpoint", "unix:///a"}}),
                             Host("b", {{"endpoint", "unix:///b"}})};
  auto loads = HostLoads(hosts, {Lab("x", 1, "a")});
  EXPECT_EQ(PlaceLab(Lab("y", 1), loads).host, "b");
  EXPECT_EQ(PlaceLab(Lab("z", 1), loads).host, "a") << "a tie goes to the first name";
  EXPECT_EQ(loads[0].labs, 2);
  EXPECT_EQ(loads[1].lab_names, std::vector<std::string>{"y"});
}

TEST(HostPlacement, SelectorReadinessDrainAndCapacityExclude) {
  std::vector<json> hosts = {
      Host("down", {{"endpoint", "unix:///a"}}, {{"site", "x"}}, false),
      Host("drained", {{"endpoint", "unix:///b"}, {"unschedulable", true}}, {{"site", "x"}}),
      Host("full", {{"endpoint", "unix:///c"}, {"capacity", {{"labs", 1}}}}, {{"site", "x"}}),
      Host("small", {{"endpoint", "unix:///d"}, {"capacity", {{"nodes", 3}}}}, {{"site", "x"}}),
      Host("other", {{"endpoint", "unix:///e"}}, {{"site", "y"}})};
  auto loads = HostLoads(hosts, {Lab("x", 1, "full"), Lab("w", 2, "small")});
  Placement p = PlaceLab(Lab("big", 2, "", {{"site", "x"}}), loads);
  EXPECT_EQ(p.host, "");
  for (const char* why :
       {"down: not Ready", "drained: unschedulable", "full: full (1/1 labs)",
        "small: not enough nodes free (2+2 > 3)", "other: labels do not match spec.hostSelector"})
    EXPECT_NE(p.why_not.find(why), std::string::npos) << p.why_not;
  EXPECT_EQ(PlaceLab(Lab("one", 1, "", {{"site", "x"}}), loads).host, "small");
  EXPECT_EQ(PlaceLab(Lab("any", 1), loads).host, "other");
}

// Docker refuses a network on an address space in use: two copies of one lab (warm-pool spares)
// cannot share an engine, so the second goes elsewhere or waits, saying why.
TEST(HostPlacement, ALabWhoseSubnetIsInUseOnAHostGoesElsewhere) {
  auto with_net = [](json lab, const std::string& subnet) {
    lab["spec"]["networks"] = json::array({{{"name", "lan"}, {"subnet", subnet}}});
    return lab;
  };
  std::vector<json> hosts = {Host("a", {{"endpoint", "unix:///a"}}),
                             Host("b", {{"endpoint", "unix:///b"}})};
  auto loads = HostLoads(
      hosts, {with_net(Lab("x", 1, "a"), "10.9.0.0/24"), Lab("y", 1, "b"), Lab("z", 1, "b")});
  EXPECT_EQ(PlaceLab(with_net(Lab("copy", 1), "10.9.0.0/25"), loads).host, "b")
      << "a has fewer labs, but 10.9.0.0/24 is in use there";
  Placement p = PlaceLab(with_net(Lab("third", 1), "10.9.0.0/26"), loads);
  EXPECT_EQ(p.host, "");
  EXPECT_NE(p.why_not.find("a: subnet 10.9.0.0/26 is in use there by lab x"), std::string::npos)
      << p.why_not;
  EXPECT_NE(p.why_not.find("b: subnet 10.9.0.0/26 is in use there by lab copy"), std::string::npos)
      << p.why_not;
  EXPECT_EQ(PlaceLab(with_net(Lab("apart", 1), "10.9.1.0/24"), loads).host, "a");
}

TEST(HostPlacement, NoHostSaysSo) {
  std::vector<HostLoad> none;
  EXPECT_EQ(PlaceLab(Lab("x", 1), none).why_not, "no Host exists");
}

}  // namespace
}  // namespace labctl::api
