// containerlab's published ports: each `ports` entry in Docker's `-p` syntax,
// "[host-ip:][host-port:]container-port[/protocol]" ("8080:80", "127.0.0.1:2222:22/tcp",
// "127.0.0.1::80" for a free host port, "53/udp"), protocol tcp (default), udp or sctp.
// IPv6 host addresses are written in brackets ("[::1]:8080:80"). Port ranges are refused.
#pragma once

#include <string>

#include "api/status.h"
#include "drivers/docker/engine.h"

namespace labctl::clab {

// Invalid (message says what is wrong) when `text` is not a port this grammar accepts.
api::Result<docker::PortBinding> ParsePort(const std::string& text);

}  // namespace labctl::clab
