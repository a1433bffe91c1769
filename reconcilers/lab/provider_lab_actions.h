// ProviderLabActions: the API's lab actions (api/lab_actions.h) for every Lab, each handed to
// the actions of its Lab's provider (spec.provider; lab_provider.h). labd registers one on the
// ApiServer. A Lab that does not exist is NotFound; one whose provider this labd does not run is
// a Conflict naming the provider. Thread-safe as far as the providers' actions are.
#pragma once

#include <string>

#include "api/lab_actions.h"
#include "reconcilers/lab/lab_provider.h"
#include "store/store.h"

namespace labctl::reconcilers {

class ProviderLabActions : public api::LabActions {
 public:
  ProviderLabActions(store::Store& store, LabProviders providers)
      : store_(store), providers_(std::move(providers)) {}

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
  LabProviders providers_;
};

}  // namespace labctl::reconcilers
