// Naming: the one place that builds the Docker names and labels of labctl objects.
//
// Containers are named labctl-<lab>.<node>, networks labctl-<lab>.<network>: lab, node and
// network names are DNS-1123 labels, which never hold a '.', so no two (lab, node) pairs share a
// name. (Before, the separator was '-': lab `a` node `b-c` and lab `a-b` node `c` were both
// labctl-a-b-c. Objects named that way are still recognised and adopted: Legacy*Name.)
// Every object carries dev.labctl.managed=true, dev.labctl.lab, dev.labctl.uid (the Lab's uid: a
// re-created Lab with the same name never adopts the old one's objects), dev.labctl.instance
// (the labd that created it: labds sharing one engine touch only their own objects) and
// dev.labctl.spec-hash; containers also carry dev.labctl.node, networks dev.labctl.network.
// Code finds objects by these labels; names only keep Docker's namespace unambiguous.
#pragma once

#include <string>

#include "api/spec_hash.h"
#include "drivers/docker/engine.h"

namespace labctl::docker {

inline constexpr char kLabelManaged[] = "dev.labctl.managed";
inline constexpr char kLabelLab[] = "dev.labctl.lab";
inline constexpr char kLabelNode[] = "dev.labctl.node";
inline constexpr char kLabelNetwork[] = "dev.labctl.network";
inline constexpr char kLabelUid[] = "dev.labctl.uid";
inline constexpr char kLabelInstance[] = "dev.labctl.instance";
// In the environment of every process labd starts by exec (and so of all it starts in turn):
// how `lab reset` finds them, also once a shell detached them and they were re-parented to init.
inline constexpr char kExecMarkerEnv[] = "LABCTL_EXEC=1";
inline constexpr char kLabelSpecHash[] = "dev.labctl.spec-hash";

inline constexpr char kNamePrefix[] = "labctl-";

inline std::string ContainerName(const std::string& lab, const std::string& node) {
  return kNamePrefix + lab + "." + node;
}
inline std::string NetworkName(const std::string& lab, const std::string& network) {
  return kNamePrefix + lab + "." + network;
}
// The names labd gave before they were unambiguous; objects so named are adopted, never created.
inline std::string LegacyContainerName(const std::string& lab, const std::string& node) {
  return kNamePrefix + lab + "-" + node;
}
inline std::string LegacyNetworkName(const std::string& lab, const std::string& network) {
  return kNamePrefix + lab + "-" + network;
}
// The lab a network name "labctl-<lab>.<network>" belongs to; "" for any other name.
inline std::string LabOfNetworkName(const std::string& name) {
  const std::string prefix = kNamePrefix;
  if (name.rfind(prefix, 0) != 0) return "";
  size_t dot = name.find('.', prefix.size());
  return dot == std::string::npos ? "" : name.substr(prefix.size(), dot - prefix.size());
}

// The instance name of a labd whose --instance is not given: derived from its data directory's
// absolute path, so a labd restarted on the same path (even wiped) recognises its objects.
inline std::string InstanceForDataDir(const std::string& absolute_path) {
  return "labd-" + api::SpecHash(absolute_path).substr(0, 12);
}

// Filter matching everything labctl manages, everything of one lab, everything of one Lab (its
// uid), or one node's containers of one Lab.
inline LabelMap ManagedSelector() { return {{kLabelManaged, "true"}}; }
inline LabelMap LabSelector(const std::string& lab) {
  return {{kLabelManaged, "true"}, {kLabelLab, lab}};
}
inline LabelMap LabUidSelector(const std::string& lab, const std::string& uid) {
  return {{kLabelManaged, "true"}, {kLabelLab, lab}, {kLabelUid, uid}};
}
inline LabelMap NodeSelector(const std::string& lab, const std::string& uid,
                             const std::string& node) {
  LabelMap selector = LabUidSelector(lab, uid);
  selector[kLabelNode] = node;
  return selector;
}

inline LabelMap ContainerLabels(const std::string& lab, const std::string& uid,
                                const std::string& node, const std::string& spec_hash,
                                const std::string& instance) {
  return {
      {kLabelManaged, "true"},     {kLabelLab, lab},          {kLabelUid, uid}, {kLabelNode, node},
      {kLabelSpecHash, spec_hash}, {kLabelInstance, instance}};
}
inline LabelMap NetworkLabels(const std::string& lab, const std::string& uid,
                              const std::string& network, const std::string& spec_hash,
                              const std::string& instance) {
  return {{kLabelManaged, "true"},
          {kLabelLab, lab},
          {kLabelUid, uid},
          {kLabelNetwork, network},
          {kLabelSpecHash, spec_hash},
          {kLabelInstance, instance}};
}

inline std::string LabelOf(const LabelMap& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

}  // namespace labctl::docker
