#include "reconcilers/pool/warm_pool_reconciler.h"

#include <spdlog/spdlog.h>

#include "api/warm_pool.h"
#include "reconcilers/pool/warm_pool_plan.h"
#include "reconcilers/session/session_index.h"
#include "reconcilers/session/session_lab_hold.h"

namespace labctl::reconcilers {

using api::json;
using runtime::ReconcileResult;

namespace {

constexpr int kMaxAttempts = 8;

// Spares an Active Session names in status.lab (its hold may not be written on the Lab yet).
std::set<std::string> SparesInUse(const store::Store& store, const std::string& templ) {
  std::set<std::string> in_use;
  for (const auto& s : ActiveSessions(store)) {
    std::string lab = api::SessionLab(*s);
    if (api::IsSpareNameOf(lab, templ)) in_use.insert(lab);
  }
  return in_use;
}

}  // namespace

WarmPoolReconciler::WarmPoolReconciler(store::Store& store, runtime::EventRecorder* events,
                                       WarmPoolReconcilerOptions options)
    : store_(store), events_(events), options_(std::move(options)) {
  AddSessionIndexes(store_);  // the warm-pool index of Labs, and the live sessions
}

runtime::Controller::Mapper WarmPoolReconciler::KeyMapper() {
  return [](const json& lab) {
    std::string templ = api::PoolTemplateOf(lab);
    return std::vector<std::string>{templ.empty() ? api::Name(lab) : templ};
  };
}

ReconcileResult WarmPoolReconciler::Reconcile(const std::string& templ) {
  auto got = store_.Get(api::Kind::kLab, templ);
  if (!got.ok() && got.status().code() != api::Code::kNotFound)
    return ReconcileResult::Error(got.status());
  std::optional<json> templ_lab;
  if (got.ok()) {
    if (!api::PoolTemplateOf(*got).empty()) return ReconcileResult::Done();  // a spare: no pool
    templ_lab = std::move(*got);
  }
  api::Status failed;
  WarmPoolState state;
  auto apply = [&] {
    std::vector<json> spares;
    std::set<std::string> taken;
    for (const auto& s :
         store_.ListIndexed(api::Kind::kLab, api::kWarmPoolIndex, store::IndexRange::Exactly(templ))
             .items) {
      spares.push_back(*s);
      taken.insert(api::Name(*s));
    }
    if (spares.empty() && (!templ_lab || api::WarmPoolSize(*templ_lab) == 0)) return;
    const std::set<std::string> in_use = SparesInUse(store_, templ);
    WarmPoolPlan plan = PlanWarmPool(templ_lab, spares, in_use, taken);
    // A Lab that is no spare may hold a spare's name: plan again around it.
    for (int round = 0; round < kMaxAttempts; ++round) {
      bool clash = false;
      for (const auto& spare : plan.create)
        if (store_.Get(api::Kind::kLab, api::Name(spare)).ok())
          clash = taken.insert(api::Name(spare)).second || clash;
      if (!clash) break;
      plan = PlanWarmPool(templ_lab, spares, in_use, taken);
    }
    state = plan.state;
    for (const auto& name : plan.remove) {
      spdlog::info("warm pool lab={} spare={} retired", templ, name);
      if (events_ && templ_lab) events_->Normal(*templ_lab, "SpareRetired", "spare " + name);
      auto deleted = store_.Delete(api::Kind::kLab, name);
      if (!deleted.ok() && deleted.status().code() != api::Code::kNotFound)
        failed = deleted.status();
    }
    for (auto& spare : plan.create) {
      const std::string name = api::Name(spare);
      spdlog::info("warm pool lab={} spare={} created", templ, name);
      if (events_ && templ_lab) events_->Normal(*templ_lab, "SpareCreated", "spare " + name);
      auto created = store_.Create(api::Kind::kLab, std::move(spare));
      if (!created.ok() && created.status().reason() != "AlreadyExists") failed = created.status();
    }
  };
  if (options_.exclusive)
    options_.exclusive(apply);
  else
    apply();
  if (!failed.ok()) return ReconcileResult::Error(failed);
  const bool reported = templ_lab && api::FieldAt(*templ_lab, "status", "warmPool");
  if (templ_lab && !api::IsBeingDeleted(*templ_lab) && (state.size > 0 || reported)) {
    json pool = state.size > 0 ? WarmPoolStatus(state) : json();
    if (auto st = WriteTemplateStatus(templ, pool); !st.ok()) return ReconcileResult::Error(st);
  }
  return ReconcileResult::Done();
}

// status.warmPool of the template (null: removed), preserving every other field.
api::Status WarmPoolReconciler::WriteTemplateStatus(const std::string& templ, const json& pool) {
  api::Status st = EditLabStatus(store_, templ, [&](json& status) {
    if (pool.is_null() ? !status.contains("warmPool") : status.value("warmPool", json()) == pool)
      return false;
    if (pool.is_null())
      status.erase("warmPool");
    else
      status["warmPool"] = pool;
    return true;
  });
  return st.code() == api::Code::kNotFound ? api::Status::Ok() : st;
}

}  // namespace labctl::reconcilers
