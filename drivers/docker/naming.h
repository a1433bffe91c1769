// Naming: the one place that builds the Docker names and labels of labctl objects.
//
// Containers are named labctl-<lab>-<node>, networks labctl-<lab>-<network>. Every object carries
// dev.labctl.managed=true, dev.labctl.lab, dev.labctl.uid (the Lab's uid: a re-created Lab with
// the same name never adopts the old one's objects) and dev.labctl.spec-hash; containers also
// carry dev.labctl.node, networks dev.labctl.network.
#pragma once

#include <string>

#include "drivers/docker/engine.h"

namespace labctl::docker {

inline constexpr char kLabelManaged[] = "dev.labctl.managed";
inline constexpr char kLabelLab[] = "dev.labctl.lab";
inline constexpr char kLabelNode[] = "dev.labctl.node";
inline constexpr char kLabelNetwork[] = "dev.labctl.network";
inline constexpr char kLabelUid[] = "dev.labctl.uid";
// In the environment of every process labd starts by exec (and so of all it starts in turn):
// how `lab reset` finds them, also once a shell detached them and they were re-parented to init.
inline constexpr char kExecMarkerEnv[] = "LABCTL_EXEC=1";
inline constexpr char kLabelSpecHash[] = "dev.labctl.spec-hash";

inline std::string ContainerName(const std::string& lab, const std::string& node) {
  return "labctl-" + lab + "-" + node;
}
inline std::string NetworkName(const std::string& lab, const std::string& network) {
  return "labctl-" + lab + "-" + network;
}

// Filter matching everything labctl manages, or everything of one lab.
inline LabelMap ManagedSelector() { return {{kLabelManaged, "true"}}; }
inline LabelMap LabSelector(const std::string& lab) {
  return {{kLabelManaged, "true"}, {kLabelLab, lab}};
}

inline LabelMap ContainerLabels(const std::string& lab, const std::string& uid,
                                const std::string& node, const std::string& spec_hash) {
  return {{kLabelManaged, "true"},
          {kLabelLab, lab},
          {kLabelUid, uid},
          {kLabelNode, node},
          {kLabelSpecHash, spec_hash}};
}
inline LabelMap NetworkLabels(const std::string& lab, const std::string& uid,
                              const std::string& network, const std::string& spec_hash) {
  return {{kLabelManaged, "true"},
          {kLabelLab, lab},
          {kLabelUid, uid},
          {kLabelNetwork, network},
          {kLabelSpecHash, spec_hash}};
}

inline std::string LabelOf(const LabelMap& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

}  // namespace labctl::docker
