// LabSpec: the typed Lab spec and its defaults — read the same from an object stored before the
// server defaulted it as from one stored after, and lenient with what validation would reject.
#include "api/lab_spec.h"

#include <gtest/gtest.h>

#include "api/validation.h"
#include "api/yaml.h"
#include "lab_fixture.h"

namespace labctl::api {
namespace {

json ExampleSpec() {
  auto docs = ParseYamlDocuments(testing::kExampleLab);
  EXPECT_TRUE(docs.ok());
  return docs.ok() ? (*docs)[0]["spec"] : json();
}

TEST(LabSpec, DefaultsOfAnUndefaultedSpec) {
  json spec = {{"nodes",
                {{{"name", "a"},
                  {"interfaces", {{{"network", "x"}}, {{"network", "y"}, {"ifname", "wan"}}}},
                  {"readiness", {{"exec", {"true"}}}}}}}};
  LabSpec s = ReadLabSpec(spec);
  EXPECT_EQ(s.provider, "docker");
  EXPECT_EQ(s.run_policy, "OnDemand");
  EXPECT_EQ(s.idle_timeout_seconds, 0);
  ASSERT_EQ(s.nodes.size(), 1u);
  ASSERT_EQ(s.nodes[0].interfaces.size(), 2u);
  EXPECT_EQ(s.nodes[0].interfaces[0].ifname, "eth0");
  EXPECT_EQ(s.nodes[0].interfaces[1].ifname, "wan");
  ASSERT_TRUE(s.nodes[0].readiness.has_value());
  EXPECT_EQ(s.nodes[0].readiness->period_seconds, 1);
  EXPECT_EQ(s.nodes[0].readiness->timeout_seconds, 60);
}

TEST(LabSpec, StoredBeforeAndAfterDefaultingReadTheSame) {
  json raw = ExampleSpec();
  raw.erase("provider");
  raw.erase("runPolicy");
  raw.erase("idleTimeoutSeconds");
  json defaulted = raw;
  DefaultLabSpec(defaulted);
  EXPECT_NE(raw, defaulted);
  EXPECT_EQ(defaulted["provider"], "docker");
  EXPECT_EQ(defaulted["nodes"][0]["interfaces"][1]["ifname"], "eth1");
  LabSpec a = ReadLabSpec(raw), b = ReadLabSpec(defaulted);
  EXPECT_EQ(a.provider, b.provider);
  EXPECT_EQ(a.run_policy, b.run_policy);
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  for (size_t n = 0; n < a.nodes.size(); ++n) {
    ASSERT_EQ(a.nodes[n].interfaces.size(), b.nodes[n].interfaces.size());
    for (size_t i = 0; i < a.nodes[n].interfaces.size(); ++i)
      EXPECT_EQ(a.nodes[n].interfaces[i].ifname, b.nodes[n].interfaces[i].ifname);
  }
  // The server's defaulting is this one.
  json lab = {{"spec", raw}};
  DefaultLab(lab);
  EXPECT_EQ(lab["spec"], defaulted);
}

TEST(LabSpec, ReadsNodesLinksAndSkippedGroups) {
  LabSpec s = ReadLabSpec(ExampleSpec());
  const LabNodeSpec* gw = s.FindNode("cone-gw-01");
  ASSERT_NE(gw, nullptr);
  ASSERT_TRUE(gw->nat.has_value());
  EXPECT_EQ(gw->nat->type, "cone");
  ASSERT_NE(gw->InterfaceOn("internet"), nullptr);
  EXPECT_EQ(gw->InterfaceOn("internet")->ifname, "eth1");
  EXPECT_EQ(gw->InterfaceOn("nowhere"), nullptr);
  EXPECT_FALSE(s.Skips(*gw));
  LabNodeSpec windows;
  windows.group = "windows";
  EXPECT_TRUE(s.Skips(windows));
  EXPECT_NE(s.FindNetwork("lan1"), nullptr);
}

TEST(LabSpec, MistypedFieldsReadAsUnsetInsteadOfFailing) {
  json spec = {
      {"provider", 7},
      {"runPolicy", {{"x", 1}}},
      {"idleTimeoutSeconds", "soon"},
      {"nodes", {{{"name", "a"}, {"env", {{"N", 3}}}, {"readiness", {{"periodSeconds", 0}}}}}},
      {"links", {{{"endpoints", {"a:eth1"}}}, {{"endpoints", {"a:eth2", "b:eth2"}}}}}};
  LabSpec s = ReadLabSpec(spec);
  EXPECT_EQ(s.provider, "docker");
  EXPECT_EQ(s.run_policy, "OnDemand");
  EXPECT_EQ(s.idle_timeout_seconds, 0);
  EXPECT_EQ(s.nodes[0].env.at("N"), "3");
  EXPECT_EQ(s.nodes[0].readiness->period_seconds, 1);  // at least 1
  ASSERT_EQ(s.links.size(), 1u);                       // a link without two ends is skipped
  EXPECT_EQ(s.links[0].index, 1);
  EXPECT_EQ(s.links[0].b.node, "b");
  EXPECT_EQ(s.links[0].b.ifname, "eth2");
  EXPECT_EQ(ReadLabObjectSpec(json::object()).provider, "docker");
}

}  // namespace
}  // namespace labctl::api
