// A valid Lab in the shape docs/manifests.md describes, and helpers to assert on validation causes.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "api/validation.h"
#include "api/yaml.h"

namespace labctl::api::testing {

inline constexpr char kExampleLab[] = R"(
apiVersion: labctl.dev/v1alpha1
kind: Lab
metadata: {name: natlab, labels: {team: net}}
spec:
  provider: docker
  runPolicy: OnDemand
  idleTimeoutSeconds: 0
  skipGroups: [windows]
  networks:
    - {name: internet, subnet: 10.0.0.0/16, ipv6Subnet: "fd00:0:0::/64"}
    - {name: lan1, subnet: 192.168.101.0/24}
  nodes:
    - name: cone-gw-01
      image: labbox:latest
      group: core
      interfaces:
        - {network: lan1, ipv4: 192.168.101.254}
        - {network: internet, ipv4: 10.0.254.1, ipv6: "fd00::254:1"}
      nat: {type: cone, inside: lan1, outside: internet}
    - name: client-01
      image: labbox:latest
      command: [sleep, infinity]
      env: {ROLE: client}
      capAdd: [NET_ADMIN, CAP_NET_RAW]
      sysctls: {net.ipv6.conf.all.disable_ipv6: "0"}
      privileged: false
      binds: ["/tmp/x:/x:ro"]
      interfaces:
        - {network: lan1, ipv4: 192.168.101.104, ifname: eth0, impairment: {delayMs: 5}}
      defaultGateway: cone-gw-01
      routes: [{to: 10.9.0.0/16, via: 192.168.101.254}, {to: "fd09::/64", via: "fd00::1"}]
      readiness: {exec: [ping, -c1, -W1, 10.0.254.1], periodSeconds: 1, timeoutSeconds: 60}
      dependsOn: [cone-gw-01]
    - {name: r1, image: labbox:latest}
    - {name: r2, image: labbox:latest}
  links:
    - endpoints: ["r1:eth1", "r2:eth1"]
      ipv4: ["10.1.1.1/30", "10.1.1.2/30"]
      ipv6: ["fd01::1/64", "fd01::2/64"]
      impairment: {delayMs: 20, jitterMs: 5, lossPercent: 1, rateKbit: 10000}
)";

inline json ExampleLab() {
  auto docs = ParseYamlDocuments(kExampleLab);
  EXPECT_TRUE(docs.ok()) << docs.status().ToString();
  return docs->at(0);
}

// Asserts validation fails with a cause at `field` whose message contains `message_part`.
inline ::testing::AssertionResult HasCause(const Status& st, const std::string& field,
                                           const std::string& message_part = "") {
  if (st.ok()) return ::testing::AssertionFailure() << "validation passed; expected " << field;
  if (st.code() != Code::kInvalid)
    return ::testing::AssertionFailure() << "not Invalid: " << st.ToString();
  for (const auto& c : st.causes())
    if (c.field == field && c.message.find(message_part) != std::string::npos)
      return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "no cause " << field << " ~ \"" << message_part << "\" in " << st.ToString();
}

}  // namespace labctl::api::testing
