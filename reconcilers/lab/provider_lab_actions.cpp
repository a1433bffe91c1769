#include "reconcilers/lab/provider_lab_actions.h"

#include "api/lab_spec.h"

namespace labctl::reconcilers {

using api::json;

namespace {

// f(actions) when the lab's provider was found, else why not.
template <class F>
auto Forward(const api::Result<api::LabActions*>& actions, F&& f) -> decltype(f(**actions)) {
  if (!actions.ok()) return actions.status();
  return f(**actions);
}

}  // namespace

ProviderLabActions::ProviderLabActions(store::Store& store, LabProviders providers)
    : store_(store),
      find_([providers = std::move(providers)](const json& lab) -> api::Result<LabProvider*> {
        const std::string provider = api::ReadLabObjectSpec(lab).provider;
        auto it = providers.find(provider);
        if (it == providers.end())
          return api::Status::Conflict("lab " + api::Name(lab) + " has provider " + provider +
                                       ", which this labd does not run");
        return it->second;
      }) {}

api::Result<api::LabActions*> ProviderLabActions::For(const std::string& lab) {
  auto object = store_.Get(api::Kind::kLab, lab);
  if (!object.ok()) return object.status();
  auto provider = find_(*object);
  if (!provider.ok()) return provider.status();
  return &(*provider)->Actions();
}

api::Result<json> ProviderLabActions::Exec(const std::string& lab, const json& request,
                                           const api::Principal& who) {
  return Forward(For(lab), [&](api::LabActions& a) { return a.Exec(lab, request, who); });
}

api::Result<api::LabActions::Stream> ProviderLabActions::ExecStream(const std::string& lab,
                                                                    const json& request,
                                                                    const api::Principal& who) {
  return Forward(For(lab), [&](api::LabActions& a) { return a.ExecStream(lab, request, who); });
}

api::Status ProviderLabActions::ExecStdin(const std::string& lab, const std::string& exec_id,
                                          const ByteSource& body, const api::Principal& who) {
  return Forward(For(lab),
                 [&](api::LabActions& a) { return a.ExecStdin(lab, exec_id, body, who); });
}

api::Result<api::LabActions::Stream> ProviderLabActions::Logs(const std::string& lab,
                                                              const Params& params,
                                                              const api::Principal& who) {
  return Forward(For(lab), [&](api::LabActions& a) { return a.Logs(lab, params, who); });
}

api::Result<api::LabActions::Stream> ProviderLabActions::Capture(const std::string& lab,
                                                                 const Params& params,
                                                                 const api::Principal& who) {
  return Forward(For(lab), [&](api::LabActions& a) { return a.Capture(lab, params, who); });
}

api::Result<json> ProviderLabActions::Inspect(const std::string& lab, const Params& params,
                                              const api::Principal& who) {
  return Forward(For(lab), [&](api::LabActions& a) { return a.Inspect(lab, params, who); });
}

api::Result<json> ProviderLabActions::Reset(const std::string& lab, const api::Principal& who) {
  return Forward(For(lab), [&](api::LabActions& a) { return a.Reset(lab, who); });
}

}  // namespace labctl::reconcilers
