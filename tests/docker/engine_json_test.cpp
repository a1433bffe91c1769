// Docker Engine API answers of an unexpected shape (drivers/docker/engine_json): labd reads what
// it can and never throws. Found by tests/fuzz/docker_json.
#include "drivers/docker/engine_json.h"

#include <gtest/gtest.h>

namespace labctl::docker {
namespace {

TEST(EngineJsonTest, AnswersOfTheWrongShapeReadAsEmpty) {
  for (const char* text :
       {R"("a string")", "[1,2]", "null", "7", R"({"IPAM": {}, "Labels": 3, "Containers": []})",
        R"({"Names": [5], "NetworkSettings": {"Networks": 1}})",
        R"({"State": {"Running": "yes", "Pid": "x", "ExitCode": 1.5},
                               "Config": [], "NetworkSettings": {"Networks": {"n": 4}}})",
        R"({"Actor": "x"})"}) {
    json j = json::parse(text);
    SCOPED_TRACE(text);
    EXPECT_NO_THROW((void)ParseNetwork(j));
    EXPECT_NO_THROW((void)ParseContainerSummary(j));
    EXPECT_NO_THROW((void)ParseContainerInspect(j));
    EXPECT_NO_THROW((void)ParseEvent(j));
  }
}

TEST(EngineJsonTest, UnconfinedSystemPathsAreEmptyMaskedAndReadonlyPaths) {
  // What `docker run --security-opt systempaths=unconfined` sends: the Engine API itself refuses
  // that option ("invalid --security-opt 2").
  ContainerSpec spec;
  spec.name = "n";
  spec.image = "labbox:latest";
  EXPECT_FALSE(ContainerCreateBody(spec)["HostConfig"].contains("MaskedPaths"));
  spec.unconfined_system_paths = true;
  const json host = ContainerCreateBody(spec)["HostConfig"];
  EXPECT_EQ(host["MaskedPaths"], json::array());
  EXPECT_EQ(host["ReadonlyPaths"], json::array());
  EXPECT_FALSE(host.contains("SecurityOpt"));
}

TEST(EngineJsonTest, EntrypointUserAndLimitsAreSentOnlyWhenSet) {
  ContainerSpec spec;
  spec.name = "n";
  spec.image = "labbox:latest";
  json body = ContainerCreateBody(spec);
  for (const char* key : {"Entrypoint", "User"}) EXPECT_FALSE(body.contains(key)) << key;
  for (const char* key : {"Memory", "NanoCpus", "CpusetCpus"})
    EXPECT_FALSE(body["HostConfig"].contains(key)) << key;
  spec.entrypoint = {"/bin/sh", "-c"};
  spec.user = "nobody";
  spec.memory_bytes = 1 << 30;
  spec.nano_cpus = 1'500'000'000;
  spec.cpuset_cpus = "0";
  body = ContainerCreateBody(spec);
  EXPECT_EQ(body["Entrypoint"], json({"/bin/sh", "-c"}));
  EXPECT_EQ(body["User"], "nobody");
  EXPECT_EQ(body["HostConfig"]["Memory"], 1 << 30);
  EXPECT_EQ(body["HostConfig"]["NanoCpus"], 1'500'000'000);
  EXPECT_EQ(body["HostConfig"]["CpusetCpus"], "0");
}

TEST(EngineJsonTest, PortsRestartPolicyAndNetworkModeAreSentOnlyWhenSet) {
  ContainerSpec spec;
  spec.name = "n";
  spec.image = "labbox:latest";
  spec.network = EndpointSpec{"mgmt", "", ""};
  json body = ContainerCreateBody(spec);
  EXPECT_FALSE(body.contains("ExposedPorts"));
  for (const char* key : {"PortBindings", "RestartPolicy"})
    EXPECT_FALSE(body["HostConfig"].contains(key)) << key;
  EXPECT_EQ(body["HostConfig"]["NetworkMode"], "mgmt");
  spec.ports = {{"127.0.0.1", "8080", 80, "tcp"}, {"", "", 53, "udp"}};
  spec.restart_policy = "on-failure";
  body = ContainerCreateBody(spec);
  EXPECT_EQ(body["ExposedPorts"], json({{"80/tcp", json::object()}, {"53/udp", json::object()}}));
  EXPECT_EQ(body["HostConfig"]["PortBindings"]["80/tcp"],
            json::parse(R"([{"HostIp": "127.0.0.1", "HostPort": "8080"}])"));
  EXPECT_EQ(body["HostConfig"]["PortBindings"]["53/udp"],
            json::parse(R"([{"HostIp": "", "HostPort": ""}])"));
  EXPECT_EQ(body["HostConfig"]["RestartPolicy"], json({{"Name", "on-failure"}}));
  spec.network.reset();
  spec.network_mode = "container:other";
  body = ContainerCreateBody(spec);
  EXPECT_EQ(body["HostConfig"]["NetworkMode"], "container:other");
  EXPECT_FALSE(body.contains("NetworkingConfig"));
}

TEST(EngineJsonTest, NetworkGatewaysAndRangesPerFamily) {
  NetworkSpec spec;
  spec.name = "m";
  spec.subnet = "10.1.0.0/24";
  spec.ipv4_range = "10.1.0.128/25";
  spec.ipv6_subnet = "fd00::/64";
  spec.ipv6_gateway = "fd00::fe";
  spec.ipv6_range = "fd00::100/120";
  const json config = NetworkCreateBody(spec)["IPAM"]["Config"];
  EXPECT_EQ(config, json::parse(R"([{"Subnet": "10.1.0.0/24", "IPRange": "10.1.0.128/25"},
      {"Subnet": "fd00::/64", "Gateway": "fd00::fe", "IPRange": "fd00::100/120"}])"));
}

TEST(EngineJsonTest, WellFormedAnswersStillParse) {
  json inspect = json::parse(R"({"Id": "c1", "Name": "/labctl-a-b",
    "State": {"Status": "running", "Running": true, "Pid": 42, "ExitCode": 0},
    "Config": {"Image": "labbox:latest", "Labels": {"k": "v"}},
    "NetworkSettings": {"Networks": {"lan": {"IPAddress": "",
      "IPAMConfig": {"IPv4Address": "10.0.0.2/24"}}}}})");
  ContainerInfo c = ParseContainerInspect(inspect);
  EXPECT_EQ(c.name, "labctl-a-b");
  EXPECT_TRUE(c.running);
  EXPECT_EQ(c.pid, 42);
  EXPECT_EQ(c.labels.at("k"), "v");
  ASSERT_EQ(c.endpoints.size(), 1u);
  EXPECT_EQ(c.endpoints[0].ipv4, "10.0.0.2");
  NetworkInfo n = ParseNetwork(json::parse(
      R"({"Id": "n1", "Name": "lan", "IPAM": {"Config": [{"Subnet": "10.0.0.0/24"}]},
          "Containers": {"c1": {}}})"));
  EXPECT_EQ(n.subnets, std::vector<std::string>{"10.0.0.0/24"});
  EXPECT_EQ(n.container_ids, std::vector<std::string>{"c1"});
  ContainerSummary s = ParseContainerSummary(json::parse(
      R"({"Id": "c1", "Names": ["/x"], "NetworkSettings": {"Networks": {"lan": {}}}})"));
  EXPECT_EQ(s.name, "x");
  EXPECT_EQ(s.networks, std::vector<std::string>{"lan"});
}

}  // namespace
}  // namespace labctl::docker
