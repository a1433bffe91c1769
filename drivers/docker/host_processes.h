// HostProcesses: the host's process table as /proc shows it to labd (root on the Docker host):
// every pid, each one's parent and pid namespace. Exec kills (exec_runner.h) and lab reset
// (node_processes.h) find a container's processes through it, since Docker cannot.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace labctl::docker {

// Every process's host pid, ascending.
std::vector<int> HostPids();

// The parent's pid (field 4 of /proc/PID/stat); 0 if the process is gone.
int ParentOf(int pid);

// Every process's pid -> its parent's pid (those that exited while read are left out).
std::map<int, int> ParentsByPid();

// The pid namespace of `pid` ("pid:[4026531836]"); empty if the process is gone. Two processes
// share a pid namespace iff these are equal.
std::string PidNamespaceOf(int pid);

// labd's own pid namespace (the host's).
std::string OwnPidNamespace();

}  // namespace labctl::docker
