// LabActions: the lab actions behind the API's non-CRUD Lab endpoints (exec, logs, capture,
// inspect, reset). The server authenticates and authorises the caller and then calls these;
// the Lab reconcilers implement them (each Lab provider for its own labs) and labd registers one
// on the ApiServer before Start(). In api/ because both sides depend on it: the server calls
// it, the reconcilers below the server implement it. All methods may be called from many
// threads at once.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "api/mux_frames.h"
#include "api/object.h"
#include "api/principal.h"
#include "api/status.h"

namespace labctl::api {

// POST .../labs/{name}/exec, GET .../labs/{name}/logs, GET .../labs/{name}/capture,
// GET .../labs/{name}/inspect, POST .../labs/{name}/reset. Without one registered these
// answer 501.
class LabActions {
 public:
  using Params = std::map<std::string, std::string>;  // query parameters
  // Receives the response body piece by piece; returns false once the client is gone.
  using ByteSink = std::function<bool(std::string_view chunk)>;
  // Hands a request body to the sink piece by piece as it arrives; true once it all arrived,
  // false when the connection failed or the sink returned false.
  using ByteSource = std::function<bool(const ByteSink& sink)>;
  // A streamed response: the status (200) is sent before `produce` runs, so validate first and
  // return a Status from Logs/Capture for bad requests.
  struct Stream {
    std::string content_type = "application/octet-stream";
    std::function<api::Status(const ByteSink& sink)> produce;
  };

  virtual ~LabActions() = default;
  // Body: {"node": "client-01", "command": ["ip", "addr"], "stdin": "...", "timeoutSeconds": 30}
  // Result: {"exitCode": 0, "stdout": "...", "stderr": "..."}.
  virtual api::Result<api::json> Exec(const std::string& lab, const api::json& request,
                                      const Principal& who) = 0;
  // POST .../exec?stream=true, same body but "stdin": true|false: the output as it comes,
  // framed (see ExecFrame), and the exit frame last. A client that goes away kills the command.
  // With "stdin": true the first frame names the exec for ExecStdin.
  virtual api::Result<Stream> ExecStream(const std::string& lab, const api::json& request,
                                         const Principal& who) {
    return api::Status::BadRequest("streaming exec is not available in this labd");
  }
  // POST .../exec/{id}/stdin: feeds the body (stdin frames, see above) to the running exec `id`
  // of `lab`, started by `who` (or `who` is admin), then closes its stdin.
  virtual api::Status ExecStdin(const std::string& lab, const std::string& exec_id,
                                const ByteSource& body, const Principal& who) {
    return api::Status::NotFound("no running exec " + exec_id + " with stdin");
  }
  // ?node=&follow=&tailLines=  (text/plain)
  virtual api::Result<Stream> Logs(const std::string& lab, const Params& params,
                                   const Principal& who) = 0;
  // ?node=&iface=&filter=&seconds=&count=  (application/vnd.tcpdump.pcap)
  virtual api::Result<Stream> Capture(const std::string& lab, const Params& params,
                                      const Principal& who) = 0;
  // ?node=  {"container": <the engine's inspect document>, "network": {addresses, routes,
  // iptables, ip6tables, qdiscs}} — what `labctl lab collect` stores per node.
  virtual api::Result<api::json> Inspect(const std::string& lab, const Params& params,
                                         const Principal& who) = 0;
  // Returns every node's network state to the baseline labd recorded when it applied it:
  // firewall/NAT rules restored, conntrack flushed, exec-started processes killed, routes,
  // links and impairment re-applied. Result: {"nodes": [{name, rulesRestored, ...}]}.
  virtual api::Result<api::json> Reset(const std::string& lab, const Principal& who) = 0;
};

}  // namespace labctl::api
