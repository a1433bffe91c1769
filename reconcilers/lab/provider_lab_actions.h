// ProviderLabActions: the API's lab actions (api/lab_actions.h) for every Lab, each handed to
// the actions of its Lab's provider (spec.provider; lab_provider.h). labd registers one on the
// ApiServer. A Lab that does not exist is NotFound; one whose provider this labd does not run is
// a Conflict naming the provider. Thread-safe as far as the providers' actions are.
#pragma once

#include <functional>
#include <string>

#include "api/lab_actions.h"
#include "reconcilers/lab/lab_provider.h"
#include "store/store.h"

namespace labctl::reconcilers {

class ProviderLabActions : public api::LabActions {
 public:
  // The provider of a Lab object, or why there is none.
  using Finder = std::function<api::Result<LabProvider*>(const api::json& lab)>;

  // Each Lab's provider is providers[spec.provider].
  ProviderLabActions(store::Store& store, LabProviders providers);
  // Each Lab's provider is what `find` says (labd with Hosts: that provider on the lab's Host).
  ProviderLabActions(store::Store& store, Finder find) : store_(store), find_(std::move(find)) {}

  api::Result<api::json> Exec(const std::string& lab, const api::json& request,
                              const api::Principal& who) override;
  api::Result<Stream> ExecStream(const std::string& lab, const api::json& request,
                                 const api::Principal& who) override;
  api::Status ExecStdin(const std::string& lab, const std::string& exec_id, const ByteSource& body,
                        const api::Principal& who) override;
  api::Result<Stream> Logs(const std::string& lab, const Params& params,
                           const api::Principal& who) override;
  api::Result<Stream> Capture(const std::string& lab, const Params& params,
                              const api::Principal& who) override;
  api::Result<api::json> Inspect(const std::string& lab, const Params& params,
                                 const api::Principal& who) override;
  api::Result<api::json> Reset(const std::string& lab, const api::Principal& who) override;

 private:
  // The actions of the lab's provider.
  api::Result<api::LabActions*> For(const std::string& lab);

  store::Store& store_;
  Finder find_;
};

}  // namespace labctl::reconcilers
