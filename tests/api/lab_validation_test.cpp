#include <gtest/gtest.h>

#include "lab_fixture.h"

namespace labctl::api {
namespace {

using testing::ExampleLab;
using testing::HasCause;

Status Validate(json lab) {
  DefaultLab(lab);
  return ValidateLab(lab);
}

TEST(LabValidation, DesignExampleIsValid) {
  Status st = Validate(ExampleLab());
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(LabValidation, MessageNamesLabAndFirstCause) {
  json lab = ExampleLab();
  lab["spec"]["nodes"][1]["interfaces"][0]["ipv4"] = "10.0.0.5";
  Status st = Validate(lab);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(),
            "Lab \"natlab\" is invalid: spec.nodes[1].interfaces[0].ipv4: 10.0.0.5 is not inside "
            "network lan1 (192.168.101.0/24)");
  EXPECT_EQ(st.http_code(), 422);
}

TEST(LabValidation, CollectsAllCauses) {
  json lab = ExampleLab();
  lab["spec"]["provider"] = "vmware";
  lab["spec"]["nodes"][0]["image"] = "";
  lab["spec"]["networks"][1]["subnet"] = "nope";
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.provider", "must be one of docker, netlab, containerlab"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[0].image", "must not be empty"));
  EXPECT_TRUE(HasCause(st, "spec.networks[1].subnet", "not an IPv4 CIDR"));
}

TEST(LabValidation, TypeMetaAndMetadata) {
  json lab = ExampleLab();
  lab["apiVersion"] = "v1";
  lab["kind"] = "Session";
  lab["metadata"]["name"] = "Nat_Lab";
  lab["metadata"]["labels"] = {{"ok", "fine"}, {"bad key", "x"}, {"k", "bad value!"}};
  lab["metadata"]["color"] = "red";
  lab["extra"] = 1;
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "apiVersion", "labctl.dev/v1alpha1"));
  EXPECT_TRUE(HasCause(st, "kind", "must be Lab"));
  EXPECT_TRUE(HasCause(st, "metadata.name", "not a valid name"));
  EXPECT_TRUE(HasCause(st, "metadata.labels[bad key]", "invalid key"));
  EXPECT_TRUE(HasCause(st, "metadata.labels[k]", "invalid value"));
  EXPECT_TRUE(HasCause(st, "metadata.color", "unknown field"));
  EXPECT_TRUE(HasCause(st, "extra", "unknown field"));
}

TEST(LabValidation, NameLengthAndGenerateName) {
  json lab = ExampleLab();
  lab["metadata"]["name"] = std::string(64, 'a');
  EXPECT_TRUE(HasCause(Validate(lab), "metadata.name"));
  lab["metadata"]["name"] = std::string(63, 'a');
  EXPECT_TRUE(Validate(lab).ok());
  lab["metadata"].erase("name");
  EXPECT_TRUE(HasCause(Validate(lab), "metadata.name", "required"));
  lab["metadata"]["generateName"] = "ci-";
  EXPECT_TRUE(Validate(lab).ok()) << Validate(lab).ToString();
  lab["metadata"]["generateName"] = "-CI";
  EXPECT_TRUE(HasCause(Validate(lab), "metadata.generateName", "prefix"));
}

TEST(LabValidation, UnknownSpecFieldsAnywhere) {
  json lab = ExampleLab();
  lab["spec"]["color"] = 1;
  lab["spec"]["networks"][0]["mtu"] = 1500;
  lab["spec"]["nodes"][0]["interfaces"][0]["mac"] = "x";
  lab["spec"]["nodes"][0]["nat"]["mode"] = "x";
  lab["spec"]["nodes"][1]["readiness"]["http"] = "x";
  lab["spec"]["nodes"][1]["routes"][0]["metric"] = 1;
  lab["spec"]["nodes"][2]["cpus"] = 2;
  lab["spec"]["links"][0]["mtu"] = 9000;
  lab["spec"]["links"][0]["impairment"]["corrupt"] = 1;
  Status st = Validate(lab);
  for (const char* f :
       {"spec.color", "spec.networks[0].mtu", "spec.nodes[0].interfaces[0].mac",
        "spec.nodes[0].nat.mode", "spec.nodes[1].readiness.http", "spec.nodes[1].routes[0].metric",
        "spec.nodes[2].cpus", "spec.links[0].mtu", "spec.links[0].impairment.corrupt"})
    EXPECT_TRUE(HasCause(st, f, "unknown field"));
}

TEST(LabValidation, Defaults) {
  json lab = ExampleLab();
  lab["spec"].erase("provider");
  lab["spec"].erase("runPolicy");
  lab["spec"].erase("idleTimeoutSeconds");
  lab["spec"]["nodes"][1]["readiness"] = {{"exec", {"true"}}};
  DefaultLab(lab);
  EXPECT_EQ(lab["spec"]["provider"], "docker");
  EXPECT_EQ(lab["spec"]["runPolicy"], "OnDemand");
  EXPECT_EQ(lab["spec"]["idleTimeoutSeconds"], 0);
  EXPECT_EQ(lab["spec"]["nodes"][0]["interfaces"][0]["ifname"], "eth0");
  EXPECT_EQ(lab["spec"]["nodes"][0]["interfaces"][1]["ifname"], "eth1");
  EXPECT_EQ(lab["spec"]["nodes"][1]["readiness"]["periodSeconds"], 1);
  EXPECT_EQ(lab["spec"]["nodes"][1]["readiness"]["timeoutSeconds"], 60);
  EXPECT_TRUE(ValidateLab(lab).ok()) << ValidateLab(lab).ToString();
}

TEST(LabValidation, SpecEnumsAndNumbers) {
  json lab = ExampleLab();
  lab["spec"]["runPolicy"] = "Sometimes";
  lab["spec"]["idleTimeoutSeconds"] = -1;
  lab["spec"]["skipGroups"] = {"a", 1};
  lab["spec"]["onHostLost"] = "Retry";
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.runPolicy", "OnDemand, Always"));
  EXPECT_TRUE(HasCause(st, "spec.onHostLost", "Fail, Reschedule"));
  EXPECT_TRUE(HasCause(st, "spec.idleTimeoutSeconds", "between 0 and 315360000, got -1"));
  EXPECT_TRUE(HasCause(st, "spec.skipGroups[1]", "must be a string"));
  // Above INT64_MAX nlohmann keeps an unsigned, which used to be clamped into range (accepted);
  // ten years and more would overflow a deadline.
  for (json big : {json(9223372036854775808ull), json(int64_t{315360001})}) {
    lab = ExampleLab();
    lab["spec"]["idleTimeoutSeconds"] = big;
    EXPECT_TRUE(HasCause(Validate(lab), "spec.idleTimeoutSeconds", "got " + big.dump()));
  }
  lab = ExampleLab();
  lab["spec"]["idleTimeoutSeconds"] = "10";
  EXPECT_TRUE(HasCause(Validate(lab), "spec.idleTimeoutSeconds", "must be an integer"));
  lab = ExampleLab();
  lab["spec"].erase("spec");
  lab.erase("spec");
  EXPECT_TRUE(HasCause(Validate(lab), "spec", "required"));
}

TEST(LabValidation, Networks) {
  json lab = ExampleLab();
  auto& nets = lab["spec"]["networks"];
  nets.push_back({{"name", "lan1"}, {"subnet", "192.168.200.0/24"}});
  nets.push_back({{"name", "Bad_Name"}, {"subnet", "192.168.201.0/24"}});
  nets.push_back({{"name", "inner"}, {"subnet", "10.0.5.0/24"}});
  nets.push_back({{"name", "hostbits"}, {"subnet", "172.16.0.1/24"}});
  nets.push_back({{"name", "v6bad"}, {"subnet", "172.17.0.0/24"}, {"ipv6Subnet", "10.0.0.0/8"}});
  nets.push_back({{"name", "v6dup"}, {"subnet", "172.18.0.0/24"}, {"ipv6Subnet", "fd00::/48"}});
  nets.push_back({{"name", "nosubnet"}});
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.networks[2].name", "duplicate network name"));
  EXPECT_TRUE(HasCause(st, "spec.networks[3].name", "not a valid name"));
  EXPECT_TRUE(HasCause(st, "spec.networks[4].subnet", "overlaps network internet (10.0.0.0/16)"));
  EXPECT_TRUE(HasCause(st, "spec.networks[5].subnet", "did you mean 172.16.0.0/24"));
  EXPECT_TRUE(HasCause(st, "spec.networks[6].ipv6Subnet", "not an IPv6 CIDR"));
  EXPECT_TRUE(HasCause(st, "spec.networks[7].ipv6Subnet", "overlaps network internet"));
  EXPECT_TRUE(HasCause(st, "spec.networks[8].subnet", "required"));
}

TEST(LabValidation, ImageRequiredForDocker) {
  json lab = ExampleLab();
  lab["spec"]["nodes"][2].erase("image");
  EXPECT_TRUE(HasCause(Validate(lab), "spec.nodes[2].image", "required for provider docker"));
}

TEST(LabValidation, NodeNames) {
  json lab = ExampleLab();
  lab["spec"]["nodes"][3]["name"] = "r1";
  lab["spec"]["nodes"].push_back({{"image", "x"}});
  lab["spec"]["nodes"].push_back({{"name", "UPPER"}, {"image", "x"}});
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.nodes[3].name", "duplicate node name"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[4].name", "required"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[5].name", "not a valid name"));
  lab = ExampleLab();
  lab["spec"]["nodes"] = json::array();
  EXPECT_TRUE(HasCause(Validate(lab), "spec.nodes", "at least one node"));
}

TEST(LabValidation, InterfaceNetworkReferences) {
  json lab = ExampleLab();
  auto& ifaces = lab["spec"]["nodes"][0]["interfaces"];
  ifaces.push_back({{"network", "lan9"}});
  ifaces.push_back({{"network", "lan1"}, {"ipv4", "192.168.101.2"}});
  ifaces.push_back({{"ipv4", "192.168.101.3"}});
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.nodes[0].interfaces[2].network", "network lan9 does not exist"));
  EXPECT_TRUE(
      HasCause(st, "spec.nodes[0].interfaces[3].network", "already attached to network lan1"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[0].interfaces[4].network", "required"));
}

TEST(LabValidation, InterfaceAddresses) {
  json lab = ExampleLab();
  auto& nodes = lab["spec"]["nodes"];
  nodes[2]["interfaces"] = {{{"network", "lan1"}, {"ipv4", "192.168.101.0"}},
                            {{"network", "internet"}, {"ipv4", "10.0.255.255"}}};
  nodes[3]["interfaces"] = {{{"network", "lan1"}, {"ipv4", "192.168.101.104"}},
                            {{"network", "internet"}, {"ipv4", "10.0.1.1/16"}}};
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.nodes[2].interfaces[0].ipv4", "network address of network lan1"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[2].interfaces[1].ipv4", "broadcast address"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[3].interfaces[0].ipv4",
                       "192.168.101.104 is already used on network lan1 by "
                       "spec.nodes[1].interfaces[0].ipv4"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[3].interfaces[1].ipv4", "without a prefix length"));
}

TEST(LabValidation, InterfaceIpv6) {
  json lab = ExampleLab();
  auto& nodes = lab["spec"]["nodes"];
  nodes[1]["interfaces"][0]["ipv6"] = "fd00::9";  // lan1 has no ipv6Subnet
  nodes[2]["interfaces"] = {{{"network", "internet"}, {"ipv6", "fd99::1"}}};
  nodes[3]["interfaces"] = {{{"network", "internet"}, {"ipv6", "fd00::254:1"}}};
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].interfaces[0].ipv6", "network lan1 has no ipv6Subnet"));
  EXPECT_TRUE(
      HasCause(st, "spec.nodes[2].interfaces[0].ipv6", "not inside network internet (fd00::/64)"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[3].interfaces[0].ipv6", "already used"));
}

TEST(LabValidation, InterfaceNames) {
  json lab = ExampleLab();
  auto& nodes = lab["spec"]["nodes"];
  nodes[2]["interfaces"] = {{{"network", "lan1"}, {"ifname", "eth1"}},
                            {{"network", "internet"}}};  // defaults to eth1 too
  nodes[3]["interfaces"] = {{{"network", "lan1"}, {"ifname", "a-very-long-interface"}},
                            {{"network", "internet"}, {"ifname", "bad/name"}}};
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.nodes[2].interfaces[1].ifname", "used twice"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[3].interfaces[0].ifname", "not a valid interface name"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[3].interfaces[1].ifname", "not a valid interface name"));
}

TEST(LabValidation, Nat) {
  json lab = ExampleLab();
  auto& nodes = lab["spec"]["nodes"];
  nodes[0]["nat"] = {{"type", "restricted"}, {"inside", "lan1"}, {"outside", "lan1"}};
  nodes[2]["nat"] = {{"type", "cone"}, {"inside", "lan1"}};
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.nodes[0].nat.type", "cone, symmetric, full-cone"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[0].nat.outside", "must differ from inside"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[2].nat.inside", "no interface on network lan1"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[2].nat.outside", "required"));
  lab = ExampleLab();
  lab["spec"]["nodes"][0]["nat"]["type"] = "full-cone";
  EXPECT_TRUE(Validate(lab).ok());
  lab["spec"]["nodes"][0]["nat"]["type"] = "symmetric";
  EXPECT_TRUE(Validate(lab).ok());
}

TEST(LabValidation, DefaultGateway) {
  json lab = ExampleLab();
  auto& nodes = lab["spec"]["nodes"];
  nodes[2]["interfaces"] = {{{"network", "internet"}, {"ipv4", "10.0.0.9"}}};
  nodes[2]["defaultGateway"] = "client-01";  // shares no network
  nodes[3]["defaultGateway"] = "r3";
  nodes[0]["defaultGateway"] = "cone-gw-01";
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.nodes[2].defaultGateway", "shares no network"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[3].defaultGateway", "node r3 does not exist"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[0].defaultGateway", "its own default gateway"));
  lab = ExampleLab();
  lab["spec"]["nodes"][0]["interfaces"][0].erase("ipv4");
  EXPECT_TRUE(HasCause(Validate(lab), "spec.nodes[1].defaultGateway", "has no ipv4 address"));
}

TEST(LabValidation, DependsOn) {
  json lab = ExampleLab();
  auto& nodes = lab["spec"]["nodes"];
  nodes[2]["dependsOn"] = {"nobody", "r1", "r3"};
  nodes[3]["dependsOn"] = {"cone-gw-01", "cone-gw-01"};
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.nodes[2].dependsOn[0]", "node nobody does not exist"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[2].dependsOn[1]", "cannot depend on itself"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[3].dependsOn[1]", "duplicate dependency"));
  lab = ExampleLab();
  lab["spec"]["nodes"][0]["dependsOn"] = {"r1"};
  lab["spec"]["nodes"][2]["dependsOn"] = {"client-01"};
  EXPECT_TRUE(HasCause(Validate(lab), "spec.nodes[1].dependsOn",
                       "dependency cycle: cone-gw-01 -> r1 -> client-01 -> cone-gw-01"));
}

TEST(LabValidation, Readiness) {
  json lab = ExampleLab();
  auto& nodes = lab["spec"]["nodes"];
  nodes[0]["readiness"] = {{"exec", json::array()}, {"periodSeconds", 0}};
  nodes[2]["readiness"] = {{"timeoutSeconds", 0}};
  nodes[3]["readiness"] = {{"exec", "ping x"}};
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.nodes[0].readiness.exec", "must name a command"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[0].readiness.periodSeconds", "between 1 and"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[2].readiness.exec", "required"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[2].readiness.timeoutSeconds", "between 1 and"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[3].readiness.exec", "must be an array"));
}

TEST(LabValidation, ContainerFields) {
  json lab = ExampleLab();
  auto& n = lab["spec"]["nodes"][1];
  n["command"] = {"sleep", 5};
  n["env"] = {{"A", 1}, {"", "x"}};
  n["capAdd"] = {"net_admin", "CAP_SYS_TIME", "NET_RAW"};
  n["sysctls"] = {{"net.ipv4.ip_forward", 1}, {"bad key!", "1"}};
  n["privileged"] = "yes";
  n["binds"] = {"/a:/b", "/a:/b:rw", "/a:relative", "/a", "/a:/b:rx"};
  n["group"] = 3;
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].command[1]", "must be a string"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].env[A]", "must be a string"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].env[]", "non-empty"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].capAdd[0]", "not a capability name"));
  EXPECT_FALSE(HasCause(st, "spec.nodes[1].capAdd[1]"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].sysctls[net.ipv4.ip_forward]", "quote it: \"1\""));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].sysctls[bad key!]", "not a sysctl name"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].privileged", "must be a boolean"));
  EXPECT_FALSE(HasCause(st, "spec.nodes[1].binds[0]"));
  EXPECT_FALSE(HasCause(st, "spec.nodes[1].binds[1]"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].binds[2]", "host:container"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].binds[3]", "host:container"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].binds[4]", "host:container"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].group", "must be a string"));
}

TEST(LabValidation, Routes) {
  json lab = ExampleLab();
  lab["spec"]["nodes"][1]["routes"] = {{{"to", "10.9.0.1/16"}, {"via", "192.168.101.254"}},
                                       {{"to", "nope"}, {"via", "1.2.3"}},
                                       {{"to", "fd09::/64"}, {"via", "10.0.0.1"}},
                                       {{"via", "10.0.0.1"}}};
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].routes[0].to", "did you mean 10.9.0.0/16"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].routes[1].to", "not a CIDR"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].routes[1].via", "not an IP address"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].routes[2].via", "same IP family"));
  EXPECT_TRUE(HasCause(st, "spec.nodes[1].routes[3].to", "required"));
}

TEST(LabValidation, Impairment) {
  json lab = ExampleLab();
  lab["spec"]["links"][0]["impairment"] = {
      {"delayMs", -1}, {"jitterMs", 1.5}, {"lossPercent", 101}, {"rateKbit", 0}};
  lab["spec"]["nodes"][1]["interfaces"][0]["impairment"] = {{"lossPercent", -0.5}};
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.links[0].impairment.delayMs", "between 0 and"));
  EXPECT_TRUE(HasCause(st, "spec.links[0].impairment.jitterMs", "must be an integer"));
  EXPECT_TRUE(HasCause(st, "spec.links[0].impairment.lossPercent", "between 0 and 100"));
  EXPECT_TRUE(HasCause(st, "spec.links[0].impairment.rateKbit", "between 1 and"));
  EXPECT_TRUE(
      HasCause(st, "spec.nodes[1].interfaces[0].impairment.lossPercent", "between 0 and 100"));
  lab = ExampleLab();
  lab["spec"]["links"][0]["impairment"]["lossPercent"] = 0.5;
  EXPECT_TRUE(Validate(lab).ok());
}

TEST(LabValidation, LinkEndpoints) {
  json lab = ExampleLab();
  auto& links = lab["spec"]["links"];
  links.push_back({{"endpoints", {"r1:eth1", "r3:eth1"}}});     // r1:eth1 reused, r3 missing
  links.push_back({{"endpoints", {"r1:eth2", "r1:eth3"}}});     // same node
  links.push_back({{"endpoints", {"r1", "cone-gw-01:eth0"}}});  // no ifname; eth0 taken
  links.push_back({{"endpoints", {"r2:eth2"}}});                // one endpoint
  links.push_back({{"endpoints", {"r2:bad/if", "r1:eth9"}}});
  links.push_back(json::object());
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.links[1].endpoints[0]", "already used by another link"));
  EXPECT_TRUE(HasCause(st, "spec.links[1].endpoints[1]", "node r3 does not exist"));
  EXPECT_TRUE(HasCause(st, "spec.links[2].endpoints", "two different nodes"));
  EXPECT_TRUE(HasCause(st, "spec.links[3].endpoints[0]", "must be \"node:ifname\""));
  EXPECT_TRUE(HasCause(st, "spec.links[3].endpoints[1]",
                       "already used by an interface of node cone-gw-01"));
  EXPECT_TRUE(HasCause(st, "spec.links[4].endpoints", "exactly two"));
  EXPECT_TRUE(HasCause(st, "spec.links[5].endpoints[0]", "not a valid interface name"));
  EXPECT_TRUE(HasCause(st, "spec.links[6].endpoints", "required"));
}

TEST(LabValidation, LinkAddresses) {
  json lab = ExampleLab();
  auto& links = lab["spec"]["links"];
  links[0]["ipv4"] = {"10.1.1.1/30", "10.1.1.5/30"};
  links[0]["ipv6"] = {"fd01::1/64"};
  links.push_back({{"endpoints", {"r1:eth2", "r2:eth2"}},
                   {"ipv4", {"10.2.0.0/30", "10.2.0.1"}},
                   {"ipv6", {"fd02::1/64", "fd02::1/64"}}});
  Status st = Validate(lab);
  EXPECT_TRUE(HasCause(st, "spec.links[0].ipv4[1]", "not in the same subnet as 10.1.1.1/30"));
  EXPECT_TRUE(HasCause(st, "spec.links[0].ipv6", "exactly two addresses"));
  EXPECT_TRUE(HasCause(st, "spec.links[1].ipv4[0]", "network or broadcast"));
  EXPECT_TRUE(HasCause(st, "spec.links[1].ipv4[1]", "address with prefix"));
  EXPECT_TRUE(HasCause(st, "spec.links[1].ipv6[1]", "both endpoints have address fd02::1"));
}

TEST(LabValidation, Netlab) {
  json lab = ExampleLab();
  lab["spec"]["netlab"] = {{"topology", "nodes: [a]"}};
  EXPECT_TRUE(HasCause(Validate(lab), "spec.netlab", "only allowed when spec.provider is netlab"));

  json netlab = {{"apiVersion", "labctl.dev/v1alpha1"},
                 {"kind", "Lab"},
                 {"metadata", {{"name", "nl"}}},
                 {"spec", {{"provider", "netlab"}}}};
  EXPECT_TRUE(HasCause(Validate(netlab), "spec.netlab", "required when spec.provider is netlab"));
  netlab["spec"]["netlab"] = {{"topology", "module: [ospf]\n"}, {"files", {{"vars.yml", "x: 1"}}}};
  EXPECT_TRUE(Validate(netlab).ok()) << Validate(netlab).ToString();
  netlab["spec"]["netlab"]["files"] = {{"../etc/passwd", "x"}, {"a/b", "x"}, {"..", "x"}};
  netlab["spec"]["netlab"].erase("topology");
  Status st = Validate(netlab);
  EXPECT_TRUE(HasCause(st, "spec.netlab.topology", "required"));
  EXPECT_TRUE(HasCause(st, "spec.netlab.files[../etc/passwd]", "plain file name"));
  EXPECT_TRUE(HasCause(st, "spec.netlab.files[a/b]", "plain file name"));
  EXPECT_TRUE(HasCause(st, "spec.netlab.files[..]", "plain file name"));
}

TEST(LabValidation, NetlabImages) {
  json netlab = {
      {"apiVersion", "labctl.dev/v1alpha1"},
      {"kind", "Lab"},
      {"metadata", {{"name", "nl"}}},
      {"spec",
       {{"provider", "netlab"},
        {"netlab",
         {{"topology", "nodes: [a]\n"},
          {"images", {{"linux", "labbox:latest"}, {"frr", "reg.local:5000/frr@sha256:ab"}}}}}}}};
  EXPECT_TRUE(Validate(netlab).ok()) << Validate(netlab).ToString();
  netlab["spec"]["netlab"]["images"] = {
      {"linux", "labbox latest"}, {"frr", "x=y"}, {"eos", ""}, {"bad/dev", "img"}};
  Status st = Validate(netlab);
  EXPECT_TRUE(HasCause(st, "spec.netlab.images.linux", "not an image reference"));
  EXPECT_TRUE(HasCause(st, "spec.netlab.images.frr", "not an image reference"));
  EXPECT_TRUE(HasCause(st, "spec.netlab.images.eos", "not an image reference"));
  EXPECT_TRUE(HasCause(st, "spec.netlab.images[bad/dev]", "not a netlab device name"));
  netlab["spec"]["netlab"]["images"] = {{"linux", 3}};
  EXPECT_FALSE(Validate(netlab).ok());
  // Only provider netlab takes images.
  json clab = {{"apiVersion", "labctl.dev/v1alpha1"},
               {"kind", "Lab"},
               {"metadata", {{"name", "cl"}}},
               {"spec",
                {{"provider", "containerlab"},
                 {"containerlab", {{"topology", "topology: {}"}, {"images", {{"linux", "x"}}}}}}}};
  EXPECT_FALSE(Validate(clab).ok());
}

TEST(LabValidation, Containerlab) {
  json lab = ExampleLab();
  lab["spec"]["containerlab"] = {{"topology", "topology: {}"}};
  EXPECT_TRUE(HasCause(Validate(lab), "spec.containerlab",
                       "only allowed when spec.provider is containerlab"));

  json clab = {{"apiVersion", "labctl.dev/v1alpha1"},
               {"kind", "Lab"},
               {"metadata", {{"name", "cl"}}},
               {"spec", {{"provider", "containerlab"}}}};
  EXPECT_TRUE(
      HasCause(Validate(clab), "spec.containerlab", "required when spec.provider is containerlab"));
  // Files keep their relative paths: binds name them.
  clab["spec"]["containerlab"] = {{"topology", "name: cl\ntopology: {nodes: {a: {}}}\n"},
                                  {"files", {{"configs/r1/init.cfg", "x"}}}};
  EXPECT_TRUE(Validate(clab).ok()) << Validate(clab).ToString();
  clab["spec"]["containerlab"]["files"] = {
      {"../etc/passwd", "x"}, {"/abs", "x"}, {"topology.clab.yml", "x"}};
  clab["spec"]["containerlab"]["colour"] = "red";
  clab["spec"]["nodes"] = json::array();
  Status st = Validate(clab);
  EXPECT_TRUE(HasCause(st, "spec.containerlab.files[../etc/passwd]", "relative path inside"));
  EXPECT_TRUE(HasCause(st, "spec.containerlab.files[/abs]", "relative path inside"));
  EXPECT_TRUE(HasCause(st, "spec.containerlab.files[topology.clab.yml]", "the topology itself"));
  EXPECT_TRUE(HasCause(st, "spec.containerlab.colour", "unknown field"));
  EXPECT_TRUE(HasCause(st, "spec.nodes", "not used by provider containerlab"));
}

TEST(LabValidation, NullMeansUnset) {
  auto docs = ParseYamlDocuments(
      "apiVersion: labctl.dev/v1alpha1\nkind: Lab\nmetadata: {name: x}\nspec:\n"
      "  networks:\n  nodes:\n    - name: a\n      image: i\n      binds:\n");
  ASSERT_TRUE(docs.ok());
  Status st = Validate(docs->at(0));
  EXPECT_TRUE(st.ok()) << st.ToString();
}

}  // namespace
}  // namespace labctl::api
