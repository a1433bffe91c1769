// HostRoutedProvider: the LabProvider the Lab reconciler sees for one provider name when labd
// runs several Hosts. Each call goes to that provider on the engine of the lab's Host
// (status.host, set by HostPlacer before the first pass): a lab's nodes, networks and links all
// live on its Host's engine. Removal that may concern any engine (a lab not placed, a lab gone
// from the store, the orphan sweep) asks every connected Host that answers (one that does not is
// swept when it reconnects); the sweep keeps a lab's objects on its own Host only, so what a lost
// Host still holds of a lab that moved on is removed when it returns. A stop releases the lab's
// Host (HostPlacer::Release) once its engine holds nothing of it. The lab actions (exec, logs, ...)
// go to the lab's Host too.
#pragma once

#include <string>

#include "reconcilers/host/host_engines.h"
#include "reconcilers/host/host_placer.h"
#include "reconcilers/lab/lab_provider.h"
#include "reconcilers/lab/provider_lab_actions.h"
#include "store/store.h"

namespace labctl::reconcilers {

class HostRoutedProvider : public LabProvider {
 public:
  HostRoutedProvider(store::Store& store, HostEngines& engines, HostPlacer& placer,
                     std::string provider);

  api::Result<std::unique_ptr<LabPass>> Open(const api::json& lab, LabEventSink events) override;
  api::Result<TornDown> TearDown(const std::string& lab, const std::string& uid,
                                 TearDownReason why) override;
  api::Result<int> RemoveOrphans(const KeepOwner& keep) override;
  api::LabActions& Actions() override { return actions_; }

 private:
  // The connection of `host`, made now when the Host exists but was not connected yet (labd
  // just started: labs may be reconciled before the Host controller's first probe); null when
  // there is no such Host.
  std::shared_ptr<HostConnection> Connection(const std::string& host);
  // This provider on the engine of `host`.
  api::Result<LabProvider*> On(const HostConnection* connection, const std::string& host) const;
  bool KeptOn(const std::string& host, const std::string& lab);
  template <class T, class Add, class Call>
  api::Result<T> OnEach(const std::vector<std::shared_ptr<HostConnection>>& hosts,
                        bool skip_unreachable, T total, Add add, Call call);

  store::Store& store_;
  HostEngines& engines_;
  HostPlacer& placer_;
  const std::string provider_;
  ProviderLabActions actions_;
};

}  // namespace labctl::reconcilers
