#include "reconcilers/host/host_routed_provider.h"

#include "api/host_placement.h"
#include "api/host_spec.h"

namespace labctl::reconcilers {

using api::json;

namespace {

// A pass that keeps its Host's connection alive while it runs.
class HostPass : public LabPass {
 public:
  HostPass(std::shared_ptr<HostConnection> connection, std::unique_ptr<LabPass> pass)
      : connection_(std::move(connection)), pass_(std::move(pass)) {}
  const std::vector<ProviderNode>& Nodes() const override { return pass_->Nodes(); }
  api::Result<std::map<std::string, KeptNode>> Converge(const LabRequests& requests) override {
    return pass_->Converge(requests);
  }
  api::Status Reset() override { return pass_->Reset(); }
  NodeState BringUp(const std::string& node, const std::optional<KeptNode>& kept,
                    const NodeState& previous, api::TimePoint now) override {
    return pass_->BringUp(node, kept, previous, now);
  }
  bool AppliesLive() const override { return pass_->AppliesLive(); }
  api::Status ApplyLive(const std::string& node, const NodeState& state) override {
    return pass_->ApplyLive(node, state);
  }
  api::Status AllReady() override { return pass_->AllReady(); }

 private:
  std::shared_ptr<HostConnection> connection_;
  std::unique_ptr<LabPass> pass_;
};

}  // namespace

HostRoutedProvider::HostRoutedProvider(store::Store& store, HostEngines& engines,
                                       HostPlacer& placer, std::string provider)
    : store_(store),
      engines_(engines),
      placer_(placer),
      provider_(std::move(provider)),
      actions_(store, [this](const json& lab) -> api::Result<LabProvider*> {
        const std::string host = api::LabHost(lab);
        if (host.empty())
          return api::Status::Conflict("lab " + api::Name(lab) + " is not placed on a host yet");
        auto connection = Connection(host);
        return On(connection.get(), host);
      }) {}

std::shared_ptr<HostConnection> HostRoutedProvider::Connection(const std::string& host) {
  if (host.empty()) return nullptr;
  if (auto connection = engines_.Get(host)) return connection;
  auto object = store_.Get(api::Kind::kHost, host);
  if (!object.ok()) return nullptr;
  return engines_.Ensure(host, api::ReadHostSpec(*object));
}

api::Result<LabProvider*> HostRoutedProvider::On(const HostConnection* connection,
                                                 const std::string& host) const {
  if (!connection) return api::Status::Unavailable("host " + host + " is not connected");
  auto it = connection->providers.find(provider_);
  if (it == connection->providers.end())
    return api::Status::Conflict("host " + host + " does not run provider " + provider_);
  return it->second;
}

api::Result<std::unique_ptr<LabPass>> HostRoutedProvider::Open(const json& lab,
                                                               LabEventSink events) {
  const std::string host = api::LabHost(lab);
  auto connection = Connection(host);
  auto provider = On(connection.get(), host.empty() ? "<none>" : host);
  if (!provider.ok()) return provider.status();
  auto pass = (*provider)->Open(lab, std::move(events));
  if (!pass.ok()) return pass.status();
  return std::unique_ptr<LabPass>(new HostPass(std::move(connection), std::move(*pass)));
}

// Runs `call(provider, host)` on this provider of every connection in `hosts` and sums the results.
// With `skip_unreachable`, an engine that does not answer is left out: it is swept when it
// reconnects (its event stream's resync queues the orphan sweep).
template <class T, class Add, class Call>
api::Result<T> HostRoutedProvider::OnEach(const std::vector<std::shared_ptr<HostConnection>>& hosts,
                                          bool skip_unreachable, T total, Add add, Call call) {
  api::Status first_error;
  for (const auto& connection : hosts) {
    auto provider = On(connection.get(), connection->host);
    auto result =
        provider.ok() ? call(**provider, connection->host) : api::Result<T>(provider.status());
    if (result.ok()) {
      add(total, *result);
    } else if (!(skip_unreachable && result.status().code() == api::Code::kUnavailable) &&
               first_error.ok()) {
      first_error = result.status();
    }
  }
  if (!first_error.ok()) return first_error;
  return total;
}

api::Result<TornDown> HostRoutedProvider::TearDown(const std::string& lab, const std::string& uid,
                                                   TearDownReason why) {
  std::string host;
  if (why != TearDownReason::kGone) {
    auto object = store_.Get(api::Kind::kLab, lab);
    if (object.ok()) host = api::LabHost(*object);
  }
  auto connection = Connection(host);
  auto host_object = host.empty() ? api::Result<json>(api::Status::NotFound("no host"))
                                  : store_.Get(api::Kind::kHost, host);
  if (!host.empty() && !connection && host_object.ok())
    return api::Status::Unavailable("host " + host + " of lab " + lab + " is not connected");
  // A Lab deleted while its Host is lost goes at once: what that engine still holds of it is
  // swept when it returns (RemoveOrphans keeps only labs in the store).
  const bool lost = host_object.ok() && !api::HostReady(*host_object);
  // A deleted Host: whatever is left is looked for on every engine.
  auto removed = OnEach<TornDown>(
      connection ? std::vector<std::shared_ptr<HostConnection>>{connection} : engines_.All(),
      /*skip_unreachable=*/!connection || (why == TearDownReason::kDelete && lost), TornDown{},
      [](TornDown& total, const TornDown& more) {
        total.containers += more.containers;
        total.others += more.others;
      },
      [&](LabProvider& provider, const std::string&) { return provider.TearDown(lab, uid, why); });
  if (removed.ok() && why == TearDownReason::kStop && !host.empty())
    LABCTL_RETURN_IF_ERROR(placer_.Release(lab));
  return removed;
}

// Whether the lab `keep` keeps belongs on `host`: a lab is kept only on its own Host, so a lab
// that left a lost Host (onHostLost: Reschedule) is swept from that engine when it returns. A
// lab not placed anywhere is kept on the local Host only (labs from before Hosts ran there).
bool HostRoutedProvider::KeptOn(const std::string& host, const std::string& lab) {
  auto object = store_.Get(api::Kind::kLab, lab);
  if (!object.ok()) return true;  // `keep` kept it (outside labd's scope, or unsure)
  const std::string placed = api::LabHost(*object);
  return placed.empty() ? host == api::kLocalHost : placed == host;
}

api::Result<int> HostRoutedProvider::RemoveOrphans(const KeepOwner& keep) {
  return OnEach<int>(
      engines_.All(), /*skip_unreachable=*/true, 0, [](int& total, int more) { total += more; },
      [&](LabProvider& provider, const std::string& host) {
        return provider.RemoveOrphans([&](const std::string& lab, const std::string& uid) {
          return keep(lab, uid) && KeptOn(host, lab);
        });
      });
}

}  // namespace labctl::reconcilers
