// HostEngines: labd's connection to each Host's Docker engine (docs/hosts.md).
//
// A HostConnection is what labd runs against one engine: the engine client, the Lab providers
// built over it (docker, containerlab, netlab; each realises labs on that engine only) and the
// engine's event stream. labd supplies the factory that builds one from a Host's spec; the Host
// reconciler calls Ensure on every probe (a changed endpoint or TLS setting builds a new
// connection, the old one ends when its last user lets go) and Remove when the Host is deleted.
// Thread-safe; connections are shared, so a lab pass keeps its engine alive while it runs.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/host_spec.h"
#include "drivers/docker/engine.h"
#include "reconcilers/lab/lab_provider.h"

namespace labctl::reconcilers {

struct HostConnection {
  std::string host;
  std::string key;  // endpoint and TLS files: a change means a new connection
  std::unique_ptr<docker::DockerEngine> engine;
  LabProviders providers;       // over `engine`; owned by `owned`
  std::shared_ptr<void> owned;  // the providers and whatever they need; destroyed first
  std::function<void()> start;  // starts the event stream (after the connection is registered)
  std::function<void()> stop;   // stops it (labd's stop, before the Lab controller's)

  ~HostConnection() { owned.reset(); }  // providers and event stream before the engine
};

class HostEngines {
 public:
  using Factory =
      std::function<std::shared_ptr<HostConnection>(const std::string& host, const api::HostSpec&)>;

  explicit HostEngines(Factory factory) : factory_(std::move(factory)) {}

  // The connection for `host` built for this spec (built now if it has none or another spec).
  std::shared_ptr<HostConnection> Ensure(const std::string& host, const api::HostSpec& spec);
  // The connection of `host`, or null when it has none.
  std::shared_ptr<HostConnection> Get(const std::string& host) const;
  void Remove(const std::string& host);
  std::vector<std::shared_ptr<HostConnection>> All() const;
  // Stops every event stream, then (Clear) drops every connection: labd's stop.
  void StopEvents();
  void Clear();

  static std::string KeyOf(const api::HostSpec& spec);

 private:
  Factory factory_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<HostConnection>> connections_;
};

}  // namespace labctl::reconcilers
