// StartHijackedExec: starts a Docker exec whose stdin is attached, on a hijacked connection.
//
// Docker gives stdin only over a connection taken over from HTTP: POST /exec/{id}/start with
// `Connection: Upgrade` and `Upgrade: tcp` is answered 101 and from then on the unix socket is a
// raw two-way stream — the process's stdin one way, its multiplexed stdout/stderr (the 8-byte
// frame format of api/mux_frames.h; no TTY) the other. Shutting down our write side closes the
// process's stdin. cpp-httplib cannot hand over its socket, so this is done with Boost.Asio, in
// this one translation unit.
#pragma once

#include <memory>
#include <string>

#include "drivers/docker/engine.h"

namespace labctl::docker {

// `socket_path` is dockerd's unix socket, `api_prefix` "/v1.41", `exec_id` from exec create
// (with AttachStdin). Errors: Unavailable when dockerd cannot be reached, else Docker's answer
// (NotFound for an unknown exec, Conflict for one already started...).
Result<std::unique_ptr<ExecSession>> StartHijackedExec(const std::string& socket_path,
                                                       const std::string& api_prefix,
                                                       const std::string& exec_id);

}  // namespace labctl::docker
