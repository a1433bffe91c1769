// What a worker does between two requests on one keep-alive connection: drop the bytes of the
// request it served, and — if the client sends its next request at once — read it without
// handing the connection back to the connection gate, which would cost two thread hand-offs per
// request. The wait is bounded and ends at once when another request waits for a worker (the
// pool's pressure fd); what is not complete by then goes back to the gate.
#pragma once

#include <chrono>

#include "controller/server/connection_gate.h"
#include "controller/server/request_reader.h"

namespace labctl::server {

// Drops the served request's bytes (a body its handler did not read included) and readies
// `reader` for the next request, whose first bytes may already be in conn.buffer.
void FinishRequest(GateConnection& conn, RequestReader& reader);

// Reads the next request for up to `window`, giving up as soon as `yield_fd` is readable; true
// if it is complete in conn.buffer. On false the connection may hold a partial request, a
// refusal decided by `reader`, or a closed peer.
bool ReadNextRequest(GateConnection& conn, RequestReader& reader, std::chrono::milliseconds window,
                     int yield_fd);

}  // namespace labctl::server
