// labctl apply / get / describe / diff / delete against a real labd.
#include <gmock/gmock.h>

#include <filesystem>

#include "e2e/e2e_util.h"

namespace labctl::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(LabctlE2eTest, ApplyCreatesThenUnchangedThenConfigured) {
  std::string name = UniqueName();
  std::string file = WriteFile(tmp_, "lab.yaml", LabYaml(name, "one"));
  auto r = Labctl({"apply", "-f", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "lab/" + name + " created\n");
  r = Labctl({"apply", "-f", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "lab/" + name + " unchanged\n");
  auto before = client_->Get(api::Kind::kLab, name);
  ASSERT_TRUE(before.ok());
  WriteFile(tmp_, "lab.yaml", LabYaml(name, "one", "labbox:v2"));
  r = Labctl({"apply", "-f", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "lab/" + name + " configured\n");
  auto after = client_->Get(api::Kind::kLab, name);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->at("/spec/nodes/0/image"_json_pointer), "labbox:v2");
  EXPECT_EQ(api::Generation(*after), api::Generation(*before) + 1);
  // A label-only change is applied too, without a new generation.
  WriteFile(tmp_, "lab.yaml", LabYaml(name, "two", "labbox:v2"));
  r = Labctl({"apply", "-f", file});
  EXPECT_EQ(r.out, "lab/" + name + " configured\n");
  EXPECT_EQ(api::Labels(*client_->Get(api::Kind::kLab, name))["step"], "two");
}

TEST_F(LabctlE2eTest, ApplyMultiDocumentDirectoryAndStdin) {
  std::string a = UniqueName(), b = UniqueName(), c = UniqueName(), d = UniqueName();
  std::string multi = WriteFile(tmp_, "multi.yaml", LabYaml(a) + "---\n" + LabYaml(b));
  auto r = Labctl({"apply", "-f", multi});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "lab/" + a + " created\nlab/" + b + " created\n");

  std::string dir = tmp_ + "/dir";
  std::filesystem::create_directory(dir);
  WriteFile(dir, "2-second.yml", LabYaml(d));
  WriteFile(dir, "1-first.yaml", LabYaml(c));
  WriteFile(dir, "ignored.txt", "not: a manifest\n");
  r = Labctl({"apply", "-f", dir});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "lab/" + c + " created\nlab/" + d + " created\n");

  r = Labctl({"apply", "-f", "-"}, LabYaml(a) + "---\n" + LabYaml(c, "two"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "lab/" + a + " unchanged\nlab/" + c + " configured\n");
}

TEST_F(LabctlE2eTest, InvalidManifestGivesFieldPathAndStoresNothing) {
  std::string good = UniqueName(), bad = UniqueName();
  std::string yaml = LabYaml(bad);
  yaml.replace(yaml.find("192.168.101.10"), 14, "10.0.0.5");  // outside lan1
  auto r = Labctl({"apply", "-f", "-"}, yaml + "---\n" + LabYaml(good));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("error: lab/" + bad + ": spec.nodes[0].interfaces[0].ipv4"));
  EXPECT_THAT(r.err, Not(HasSubstr("{\"")));       // readable, not raw JSON
  EXPECT_EQ(r.out, "lab/" + good + " created\n");  // the other document still applied
  auto got = client_->Get(api::Kind::kLab, bad);
  EXPECT_EQ(got.status().code(), api::Code::kNotFound);

  r = Labctl({"apply", "-f", "-"}, "kind: Lab\nmetadata: {name: [unclosed\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("line"));
  r = Labctl({"apply", "-f", tmp_ + "/missing.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot read"));
  r = Labctl({"apply"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(LabctlE2eTest, GetInEveryOutputFormat) {
  std::string a = UniqueName(), b = UniqueName();
  ASSERT_EQ(Labctl({"apply", "-f", "-"}, LabYaml(a, "one") + "---\n" + LabYaml(b, "two")).exit_code,
            0);

  auto r = Labctl({"get", "labs"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("NAME"));
  EXPECT_THAT(r.out, HasSubstr("PROVIDER   PHASE"));
  EXPECT_THAT(r.out, HasSubstr("AGE"));
  EXPECT_THAT(r.out, HasSubstr(a));
  EXPECT_THAT(r.out, HasSubstr("0/1"));

  r = Labctl({"get", "lab", a, "-o", "wide"});
  EXPECT_THAT(r.out, HasSubstr("RUNPOLICY"));
  EXPECT_THAT(r.out, HasSubstr("OnDemand"));
  EXPECT_THAT(r.out, Not(HasSubstr(b)));

  r = Labctl({"get", "lab/" + a, "-o", "yaml"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("kind: Lab"));
  EXPECT_THAT(r.out, HasSubstr("name: " + a));

  r = Labctl({"get", "labs", "-o", "json", "-l", "step=two"});
  auto list = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(list.is_discarded()) << r.out;
  EXPECT_EQ(list["kind"], "List");
  bool found_b = false;
  for (const auto& item : list["items"]) {
    EXPECT_NE(item["metadata"]["name"], a);
    found_b = found_b || item["metadata"]["name"] == b;
  }
  EXPECT_TRUE(found_b);

  r = Labctl({"get", "labs", a, b, "-o", "name"});
  EXPECT_EQ(r.out, "lab/" + a + "\nlab/" + b + "\n");

  r = Labctl({"get", "lab", a, "-o", "jsonpath={.metadata.labels.step}"});
  EXPECT_EQ(r.out, "one");
  r = Labctl(
      {"get", "labs", "-l", "e2e=labctl", "-o",
       R"(jsonpath={range .items[*]}{.metadata.name}={.spec.nodes[?(@.name=="client-01")].image}{"\n"}{end})"});
  EXPECT_THAT(r.out, HasSubstr(a + "=labbox:latest\n"));
  EXPECT_THAT(r.out, HasSubstr(b + "=labbox:latest\n"));

  r = Labctl({"get", "lab", "no-such-lab"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("error: "));
  EXPECT_THAT(r.err, HasSubstr("not found"));
  EXPECT_EQ(Labctl({"get", "widgets"}).exit_code, 2);
  EXPECT_EQ(Labctl({"get", "labs", "-o", "xml"}).exit_code, 2);
  r = Labctl({"get", "sessions"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(LabctlE2eTest, DescribeShowsNodesConditionsAndEvents) {
  std::string name = UniqueName();
  ASSERT_EQ(Labctl({"apply", "-f", "-"}, LabYaml(name)).exit_code, 0);
  UpdateStatus(*client_, api::Kind::kLab, name, [](json& o) {
    o["status"]["phase"] = "Degraded";
    o["status"]["nodes"] = {{{"name", "client-01"},
                             {"state", "running"},
                             {"ready", false},
                             {"addresses", {{"lan1", "192.168.101.10"}}},
                             {"message", "readiness probe failing"}}};
    o["status"]["conditions"] = {{{"type", "E2eProbe"},
                                  {"status", "False"},
                                  {"reason", "Probing"},
                                  {"message", "still probing"},
                                  {"lastTransitionTime", "2026-01-01T00:00:00Z"}}};
  });
  auto r = Labctl({"describe", "lab", name});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* want : {"Name:", "Networks:", "192.168.101.0/24", "Nodes:", "IMAGE",
                           "labbox:latest", "readiness probe failing", "lan1=192.168.101.10",
                           "Conditions:", "E2eProbe", "still probing", "Events:"})
    EXPECT_THAT(r.out, HasSubstr(want));
  EXPECT_EQ(Labctl({"describe", "lab", "no-such-lab"}).exit_code, 1);
}

TEST_F(LabctlE2eTest, DescribeListsATopologyFileLabsNodesWithWhatNetlabKnows) {
  // A netlab (or containerlab) Lab declares no spec.nodes: describe lists status.nodes.
  std::string name = UniqueName();
  std::string manifest = "apiVersion: labctl.dev/v1alpha1\nkind: Lab\nmetadata: {name: " + name +
                         "}\nspec:\n  provider: netlab\n  netlab:\n    topology: |\n"
                         "      nodes: [r1, h1]\n      links: [r1-h1]\n";
  ASSERT_EQ(Labctl({"apply", "-f", "-"}, manifest).exit_code, 0);
  UpdateStatus(*client_, api::Kind::kLab, name, [](json& o) {
    o["status"]["nodes"] = {{{"name", "r1"},
                             {"state", "running"},
                             {"ready", true},
                             {"netlab",
                              {{"device", "frr"},
                               {"mgmt", {{"ipv4", "192.168.7.101"}}},
                               {"loopback", {{"ipv4", "10.0.0.1/32"}}},
                               {"interfaces", {{{"ifname", "eth1"}, {"ipv4", "172.16.0.1/24"}}}},
                               {"raw", {{"device", "frr"}}}}}},
                            {{"name", "h1"}, {"state", "running"}, {"ready", true}}};
  });
  auto r = Labctl({"describe", "lab", name});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* want : {"DEVICE", "MGMT", "LOOPBACK", "frr", "192.168.7.101", "10.0.0.1/32",
                           "eth1=172.16.0.1/24", "h1"})
    EXPECT_THAT(r.out, HasSubstr(want));
  r = Labctl({"get", "lab", name, "-o", "jsonpath={.status.nodes[0].netlab.device}"});
  EXPECT_EQ(r.out, "frr");
}

TEST_F(LabctlE2eTest, DiffShowsChangesAndExitCode) {
  std::string name = UniqueName();
  std::string file = WriteFile(tmp_, "lab.yaml", LabYaml(name));
  auto r = Labctl({"diff", "-f", file});
  EXPECT_EQ(r.exit_code, 1);  // not created yet: everything is new
  EXPECT_THAT(r.out, HasSubstr("+  name: " + name));
  ASSERT_EQ(Labctl({"apply", "-f", file}).exit_code, 0);
  r = Labctl({"diff", "-f", file});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  WriteFile(tmp_, "lab.yaml", LabYaml(name, "one", "labbox:v2"));
  r = Labctl({"diff", "-f", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("-"));
  EXPECT_THAT(r.out, HasSubstr("labbox:latest"));
  EXPECT_THAT(r.out, HasSubstr("+"));
  EXPECT_THAT(r.out, HasSubstr("labbox:v2"));
}

TEST_F(LabctlE2eTest, DeleteWaitWaitsForFinalizer) {
  std::string name = UniqueName();
  std::string yaml = LabYaml(name);
  yaml.replace(yaml.find("  labels:"), 0, "  finalizers: [e2e.labctl.dev/hold]\n");
  ASSERT_EQ(Labctl({"apply", "-f", "-"}, yaml).exit_code, 0);
  BackgroundLabctl del(url(), {"delete", "lab", name, "--wait", "--timeout=60s"});
  // The delete marks the object; it stays while our finalizer is there.
  ASSERT_TRUE(PollUntil([&] {
    auto o = client_->Get(api::Kind::kLab, name);
    return o.ok() && api::IsBeingDeleted(*o);
  }));
  EXPECT_EQ(del.Wait(std::chrono::milliseconds(300)), -1) << del.Output();  // still waiting
  UpdateObject(*client_, api::Kind::kLab, name, [](json& o) {
    json kept = json::array();
    for (const auto& f : o["metadata"]["finalizers"])
      if (f != "e2e.labctl.dev/hold") kept.push_back(f);
    o["metadata"]["finalizers"] = kept;
  });
  EXPECT_EQ(del.Wait(), 0) << del.Output();
  EXPECT_EQ(del.Output(), "lab/" + name + " deleted\n");
  EXPECT_EQ(client_->Get(api::Kind::kLab, name).status().code(), api::Code::kNotFound);

  auto r = Labctl({"delete", "lab", name});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("error: lab/" + name));
  EXPECT_EQ(Labctl({"delete", "lab", name, "--ignore-not-found"}).exit_code, 0);
}

TEST_F(LabctlE2eTest, DeleteFromFile) {
  std::string a = UniqueName(), b = UniqueName();
  std::string file = WriteFile(tmp_, "labs.yaml", LabYaml(a) + "---\n" + LabYaml(b));
  ASSERT_EQ(Labctl({"apply", "-f", file}).exit_code, 0);
  auto r = Labctl({"delete", "-f", file, "--wait"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "lab/" + a + " deleted\nlab/" + b + " deleted\n");
}

}  // namespace
}  // namespace labctl::e2e
