// What netlab knows of each node of a created lab, kept beside the files netlab generated, and
// what it means for the node's container.
//
// The facts are read once per `netlab create` (KeepNodeFacts, in Prepare: from the nodes dump
// create wrote, or `netlab inspect`, a second or two, for a lab created without one) and the
// model reads the kept file (ApplyNodeFacts, cheap). A node whose device is a router (anything
// but netlab's `linux` hosts, which netlab configures from the host with `ip netns exec`) runs
// its own configuration scripts inside the container: they set sysctls and interfaces and start
// routing daemons, which containerlab allows by running every node privileged. labd gives such
// a node what those scripts need instead — NET_ADMIN, SYS_ADMIN, NET_RAW and a writable
// /proc/sys — since hosts like this one refuse privileged containers.
#pragma once

#include <string>

#include "api/status.h"
#include "drivers/netlab/netlab_cli.h"
#include "reconcilers/providers/docker/lab_model.h"

namespace labctl::reconcilers {

// The file in the lab directory the facts are kept in.
extern const char kNetlabNodesFile[];

// Reads the facts of the lab netlab created in `dir` and keeps them there.
api::Status KeepNodeFacts(const netlab::NetlabCli& cli, const std::string& dir);

// Whether the facts of the lab in `dir` are kept.
bool HasNodeFacts(const std::string& dir);

// Sets each node's status facts (NodeModel::netlab) from the kept file, and gives router nodes
// what their configuration scripts need (their hash changes with it). Nodes without facts are
// left as they are.
void ApplyNodeFacts(const std::string& dir, LabModel& model);

}  // namespace labctl::reconcilers
