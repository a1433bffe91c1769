// The TCP listener labd serves on, and the process's file-descriptor budget for connections.
//
// The listener sets SO_REUSEADDR (a restarted labd binds while old connections linger in
// TIME_WAIT) but never SO_REUSEPORT: a second labd on the same address and port fails with
// "Address already in use" instead of silently sharing the port (and splitting the requests
// between two stores).
#pragma once

#include <cstdint>
#include <string>

#include "api/status.h"

namespace labctl::server {

// A listening, non-blocking, close-on-exec socket on host:port (port 0: any free port).
api::Result<int> ListenTcp(const std::string& host, int port, int backlog);
// The port `fd` is bound to (0 on error).
int BoundPort(int fd);

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit now in force.
uint64_t RaiseFdLimit();
// The soft RLIMIT_NOFILE in force.
uint64_t FdLimit();

}  // namespace labctl::server
