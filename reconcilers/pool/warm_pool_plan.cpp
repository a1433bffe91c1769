#include "reconcilers/pool/warm_pool_plan.h"

#include <algorithm>

#include "api/warm_pool.h"

namespace labctl::reconcilers {

using api::json;

namespace {

std::string StatusString(const json& lab, const char* key) {
  const json* v = api::FieldAt(lab, "status", key);
  return v && v->is_string() ? v->get<std::string>() : "";
}

// The k of <template>-warm-<k> (0 if the name is not one).
int SpareIndex(const std::string& name, const std::string& templ) {
  if (!api::IsSpareNameOf(name, templ)) return 0;
  try {
    return std::stoi(name.substr(name.rfind('-') + 1));
  } catch (...) {
    return 0;
  }
}

}  // namespace

WarmPoolPlan PlanWarmPool(const std::optional<json>& templ, const std::vector<json>& spares,
                          const std::set<std::string>& in_use, const std::set<std::string>& taken) {
  WarmPoolPlan plan;
  const bool wanted = templ && !api::IsBeingDeleted(*templ);
  plan.state.size = wanted ? api::WarmPoolSize(*templ) : 0;
  const std::string templ_name = templ ? api::Name(*templ) : "";
  struct Kept {
    bool ready;
    int index;
    std::string name;
  };
  std::vector<Kept> free;
  for (const json& spare : spares) {
    const std::string name = api::Name(spare);
    if (api::IsBeingDeleted(spare)) continue;
    if (!StatusString(spare, "heldBy").empty() || in_use.count(name)) {
      ++plan.state.in_use;
      continue;
    }
    const bool used = api::FieldAt(spare, "status", "releasedAt") != nullptr;
    if (used || !wanted || !api::SpareIsCurrent(spare, *templ)) {
      plan.remove.push_back(name);
      continue;
    }
    free.push_back({api::IsConditionTrue(spare, "Ready"), SpareIndex(name, templ_name), name});
  }
  // Keep the Ready ones and the lowest indexes.
  std::sort(free.begin(), free.end(), [](const Kept& a, const Kept& b) {
    return a.ready != b.ready ? a.ready : a.index < b.index;
  });
  while (static_cast<int>(free.size()) > plan.state.size) {
    plan.remove.push_back(free.back().name);
    free.pop_back();
  }
  plan.state.free = static_cast<int>(free.size());
  for (const auto& k : free) plan.state.ready += k.ready ? 1 : 0;
  for (int index = 1; plan.state.free + static_cast<int>(plan.create.size()) < plan.state.size;
       ++index)
    if (!taken.count(api::SpareName(templ_name, index)))
      plan.create.push_back(api::MakeSpare(*templ, index));
  plan.state.free += static_cast<int>(plan.create.size());
  return plan;
}

json WarmPoolStatus(const WarmPoolState& state) {
  return {{"size", state.size},
          {"ready", state.ready},
          {"starting", state.free - state.ready},
          {"inUse", state.in_use}};
}

}  // namespace labctl::reconcilers
