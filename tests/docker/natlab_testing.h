// Helpers for the Docker tests that run real network labs: the test image (labbox plus the
// static udp_reflector, under its own tag so the plain labbox:latest other tests use is left
// alone), manifests/natlab.yaml loaded under a per-run name, host tools run inside a node's
// network namespace, and status.links read back.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>
#include <string>
#include <vector>

#include "api/validation.h"
#include "api/yaml.h"
#include "drivers/docker/engine.h"
#include "drivers/docker/naming.h"
#include "drivers/net/netns.h"
#include "drivers/net/process.h"
#include "store/store.h"
#include "support/labd_process.h"
#include "tests/support/source_manifest.h"

namespace labctl::testing {

inline constexpr char kNetImage[] = "labctl-netbox:test";
inline const std::string kNatlabPrefix = "dknat" + CheckoutTag();

inline std::string ReflectorBinary() {
  return std::string(LABCTL_BINARY_DIR) + "/tests/images/reflector/udp_reflector";
}

// Builds kNetImage (idempotent: scripts/build-labbox skips an image with the same content).
inline void BuildNatlabImage() {
  auto r = RunProgram({std::string(LABCTL_SOURCE_DIR) + "/scripts/build-labbox", ReflectorBinary()},
                      "", {{"LABBOX_IMAGE", kNetImage}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
}

inline std::string NatlabRunName() {
  return std::string(kNatlabPrefix) + std::to_string(getpid() % 100000);
}

// manifests/natlab.yaml named `name`, every node on kNetImage, defaulted like the API does.
inline api::json LoadNatlab(const std::string& name) {
  api::json lab = SourceManifest("manifests/natlab.yaml");
  if (lab.is_null()) return lab;
  lab["metadata"]["name"] = name;
  lab["spec"]["runPolicy"] = "Always";
  for (auto& node : lab["spec"]["nodes"]) node["image"] = kNetImage;
  api::DefaultLab(lab);
  return lab;
}

inline std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Runs a host tool inside the node's network namespace; returns stdout (+ stderr on failure).
inline std::string RunInNode(docker::DockerEngine& engine, const std::string& lab,
                             const std::string& node, const std::vector<std::string>& argv) {
  auto info = engine.InspectContainer(docker::ContainerName(lab, node));
  if (!info.ok() || info->pid <= 0) return "no container";
  auto ns = net::Netns::OpenPid(info->pid);
  if (!ns.ok()) return ns.status().ToString();
  std::string out;
  auto st = ns->Run([&]() -> api::Status {
    auto r = net::RunProcess(argv);
    if (!r.ok()) return r.status();
    out = r->out + (r->exit_code == 0 ? "" : r->err);
    return api::Status::Ok();
  });
  return st.ok() ? out : st.ToString();
}

// status.links[index].mechanism of the lab ("" if not reported).
inline std::string LinkMechanism(store::Store& store, const std::string& lab, size_t index) {
  auto object = store.Get(api::Kind::kLab, lab);
  if (!object.ok()) return "";
  const api::json links = (*object)["status"].value("links", api::json::array());
  if (!links.is_array() || links.size() <= index) return "";
  return links[index].value("mechanism", "");
}

}  // namespace labctl::testing
