#include "controller/server/neops_wiring.h"

#include <httplib.h>

namespace labctl::server {

std::unique_ptr<SessionServices> AttachSessionServices(ApiServer& server, store::Store& store,
                                                       const api::Clock& clock,
                                                       reconcilers::SessionReconciler* reconciler,
                                                       runtime::EventRecorder* events,
                                                       NeopsFacadeOptions neops_options) {
  auto services = std::make_unique<SessionServices>(store, clock, reconciler, events);
  server.SetSessionActions(&services->server_actions);
  if (!neops_options.clock) neops_options.clock = &clock;
  if (server.auth().enabled())
    for (const auto& path : NeopsPublicPaths(neops_options.prefix)) server.AddPublicPath(path);
  services->neops = MountNeopsFacade(server.raw(), store, services->actions, neops_options);
  return services;
}

}  // namespace labctl::server
