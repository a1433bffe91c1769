#include "controller/server/neops/neops_labs.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "api/selector.h"
#include "controller/server/neops/neops_files.h"
#include "reconcilers/lab/lab_handover.h"

namespace labctl::server {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr int kMaxAttempts = 10;
constexpr auto kContactInterval = std::chrono::seconds(10);
constexpr auto kPollSlice = milliseconds(500);

api::Status NoLabRunning() { return api::Status::NotFound("No lab running"); }
api::Status Busy() { return api::Status(api::Code::kLocked, "Locked", "Lab currently busy"); }

bool IsReady(const api::json& lab) { return api::IsConditionTrue(lab, "Ready"); }

// The facade's lab (not being deleted) is filed under "lab": one lookup among any number of Labs.
std::optional<std::string> FacadeLabKey(const api::json& lab) {
  if (api::IsBeingDeleted(lab) || api::Labels(lab).value(kFacadeLabel, "") != kFacadeValue)
    return std::nullopt;
  return "lab";
}

std::string FirstAddress(const api::json& node) {
  auto addresses = node.find("addresses");
  if (addresses == node.end() || !addresses->is_object()) return "";
  for (const auto& [network, address] : addresses->items())
    if (address.is_string()) return address.get<std::string>();
  return "";
}

// What netlab reports for the node (status.nodes[].netlab.raw): the device's `raw` as Neops
// answers it for a netlab lab; null for a lab not made by netlab.
const api::json* NetlabRaw(const api::json& node) {
  auto netlab = node.find("netlab");
  if (netlab == node.end() || !netlab->is_object()) return nullptr;
  auto raw = netlab->find("raw");
  return raw != netlab->end() && raw->is_object() ? &*raw : nullptr;
}

}  // namespace

int EffectiveRefs(const api::json& lab, const std::string& session) {
  if (api::Annotation(lab, kRefSessionAnnotation) != session) return 0;
  try {
    return std::max(0, std::stoi(api::Annotation(lab, kRefsAnnotation)));
  } catch (...) {
    return 0;
  }
}

NeopsLabs::NeopsLabs(store::Store& store, NeopsSessions& sessions, NeopsLabOptions options)
    : store_(store), sessions_(sessions), options_(options) {
  store_.AddIndex({api::Kind::kLab, kFacadeLabIndex, FacadeLabKey});
}

std::optional<api::json> NeopsLabs::CurrentLab() const {
  for (const auto& lab :
       store_.ListIndexed(api::Kind::kLab, kFacadeLabIndex, store::IndexRange::Exactly("lab"))
           .items)
    return *lab;
  return std::nullopt;
}

api::json NeopsLabs::DevicesOf(const api::json& lab) {
  api::json devices = api::json::array();
  const api::json* nodes = nullptr;
  if (lab.contains("status") && lab["status"].contains("nodes")) nodes = &lab["status"]["nodes"];
  if (!nodes || !nodes->is_array()) return devices;
  for (const auto& node : *nodes) {
    api::json raw;
    if (const api::json* netlab = NetlabRaw(node)) {
      raw = *netlab;
    } else {
      raw = {{"mgmt", {{"ipv4", FirstAddress(node)}}},
             {"state", node.value("state", "")},
             {"ready", node.value("ready", false)},
             {"addresses", node.value("addresses", api::json::object())}};
    }
    devices.push_back({{"name", node.value("name", "")}, {"raw", std::move(raw)}});
  }
  return devices;
}

api::Status NeopsLabs::StoreRefs(const std::string& lab, int refs, const std::string& session) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto current = store_.Get(api::Kind::kLab, lab);
    if (!current.ok()) return current.status();
    api::json updated = *current;
    updated["metadata"]["annotations"][kRefsAnnotation] = std::to_string(refs);
    updated["metadata"]["annotations"][kRefSessionAnnotation] = session;
    auto written = store_.Update(api::Kind::kLab, std::move(updated));
    if (written.ok()) return api::Status::Ok();
    if (written.status().code() != api::Code::kConflict) return written.status();
  }
  return api::Status::Conflict("lab " + lab + ": too many concurrent writes");
}

api::Status NeopsLabs::RemoveLab(const api::json& lab) {
  std::string name = api::Name(lab);
  std::string holder = lab.value("/status/heldBy"_json_pointer, std::string());
  if (!holder.empty()) LABCTL_RETURN_IF_ERROR(sessions_.SetLab(holder, ""));
  auto deleted = store_.Delete(api::Kind::kLab, name);
  if (!deleted.ok() && deleted.status().code() != api::Code::kNotFound) return deleted.status();
  spdlog::info("neops lab teardown lab={}", name);
  return api::Status::Ok();
}

api::Result<NeopsLabUp> NeopsLabs::Up(const NeopsSessionView& session, const NeopsUpload& upload,
                                      const api::HostAccessGrant& grant) {
  LABCTL_RETURN_IF_ERROR(ValidateUpload(upload));
  std::string hash = UploadHash(upload);
  std::string name = "neops-" + hash.substr(0, 12);
  auto wanted = LabFromUpload(upload, name, options_.idle_timeout_seconds);
  if (!wanted.ok()) return wanted.status();
  // Judged before anything is written; the same content is the same lab, so this also judges a
  // lab this upload would be attached to.
  LABCTL_RETURN_IF_ERROR(api::CheckHostAccess(*wanted, grant));
  NeopsLabUp result;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto current = CurrentLab();
    bool attach = false;
    if (current) {
      std::string holder = current->value("/status/heldBy"_json_pointer, std::string());
      if (!holder.empty() && holder != session.name) return Busy();
      int refs = EffectiveRefs(*current, session.name);
      bool same = api::Annotation(*current, kContentHashAnnotation) == hash;
      if (refs > 0 && (!same || !upload.reuse)) return Busy();
      // A lab that failed to come up, and that no one references, is brought up afresh.
      bool failed = current->value("/status/phase"_json_pointer, std::string()) == "Failed";
      if (same && upload.reuse && (refs > 0 || !failed)) {
        attach = true;
        result.reused = refs > 0 || IsReady(*current);
        LABCTL_RETURN_IF_ERROR(StoreRefs(name, refs + 1, session.name));
      } else {
        LABCTL_RETURN_IF_ERROR(RemoveLab(*current));
        LABCTL_RETURN_IF_ERROR(WaitGone(api::Name(*current)));
      }
    }
    if (!attach) {
      LABCTL_RETURN_IF_ERROR(WaitGone(name));  // a same-named lab still tearing down
      if (!options_.files_dir.empty()) {
        SweepLabFiles(options_.files_dir, [this](const std::string& other) {
          return store_.Get(api::Kind::kLab, other).ok();
        });
        LABCTL_RETURN_IF_ERROR(WriteLabFiles(options_.files_dir, name, upload));
      }
      (*wanted)["metadata"]["annotations"][kRefsAnnotation] = "1";
      (*wanted)["metadata"]["annotations"][kRefSessionAnnotation] = session.name;
      auto created = store_.Create(api::Kind::kLab, std::move(*wanted));
      if (!created.ok()) return created.status();
      spdlog::info("neops lab created lab={} session={}", name, session.name);
    }
    LABCTL_RETURN_IF_ERROR(sessions_.SetLab(session.name, name));
  }
  if (api::Status ready = WaitReady(session, name); !ready.ok()) {
    DropReference(session, name);
    return ready;
  }
  auto lab = store_.Get(api::Kind::kLab, name);
  if (!lab.ok()) return api::Status::Internal("lab " + name + " vanished during bring-up");
  result.devices = DevicesOf(*lab);
  return result;
}

void NeopsLabs::DropReference(const NeopsSessionView& session, const std::string& lab) {
  api::Status dropped = Unref(session, lab);
  if (!dropped.ok() && dropped.code() != api::Code::kNotFound)
    spdlog::warn("neops lab={} session={} reference not dropped: {}", lab, session.name,
                 dropped.ToString());
}

api::Status NeopsLabs::WaitReady(const NeopsSessionView& session, const std::string& lab) {
  auto deadline = steady_clock::now() + options_.ready_timeout;
  auto next_contact = steady_clock::now() + kContactInterval;
  store::WatchOptions options;
  options.name = lab;
  options.from_revision = store_.Revision();
  auto watch = store_.WatchKind(api::Kind::kLab, options);
  if (!watch.ok()) return watch.status();
  while (true) {
    auto current = store_.Get(api::Kind::kLab, lab);
    if (!current.ok()) return api::Status::Internal("lab " + lab + " was deleted during bring-up");
    // A warm lab handed over from another session is ready for this one once it was reset.
    if (IsReady(*current) && reconcilers::LabPreparedFor(*current, session.name))
      return api::Status::Ok();
    if (current->value("/status/phase"_json_pointer, std::string()) == "Failed") {
      const api::json* ready = api::FindCondition(*current, "Ready");
      return api::Status::Internal("lab " + lab + " failed to come up: " +
                                   (ready ? ready->value("message", "") : std::string()));
    }
    if (steady_clock::now() >= deadline)
      return api::Status::Internal("lab " + lab + " not ready in time");
    if (steady_clock::now() >= next_contact) {  // a bring-up in progress counts as contact
      sessions_.Touch(session);
      next_contact = steady_clock::now() + kContactInterval;
    }
    store::WatchEvent event;
    if ((*watch)->Poll(&event, kPollSlice) == store::Watch::Next::kClosed) {
      auto reopened = store_.WatchKind(api::Kind::kLab, options);
      if (!reopened.ok()) return reopened.status();
      watch = std::move(reopened);
    }
  }
}

api::Status NeopsLabs::WaitGone(const std::string& lab) {
  auto deadline = steady_clock::now() + options_.delete_timeout;
  while (store_.Get(api::Kind::kLab, lab).ok()) {
    if (steady_clock::now() >= deadline)
      return api::Status::Internal("lab " + lab + " is still tearing down");
    std::this_thread::sleep_for(milliseconds(100));
  }
  return api::Status::Ok();
}

api::json NeopsLabs::Describe(const NeopsSessionView& session) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto lab = CurrentLab();
  if (!lab)
    return {{"running", false},
            {"topology", nullptr},
            {"ref_count", 0},
            {"devices", api::json::array()},
            {"netlab_status", nullptr}};
  std::string phase = lab->value("/status/phase"_json_pointer, std::string());
  return {{"running", IsReady(*lab)},
          {"topology", api::Annotation(*lab, kTopologyNameAnnotation)},
          {"lab", api::Name(*lab)},
          {"ref_count", EffectiveRefs(*lab, session.name)},
          {"devices", DevicesOf(*lab)},
          {"netlab_status", phase.empty() ? api::json(nullptr) : api::json(phase)}};
}

api::Result<api::json> NeopsLabs::Devices() const {
  std::lock_guard<std::mutex> lock(mu_);
  auto lab = CurrentLab();
  if (!lab || !IsReady(*lab)) return NoLabRunning();
  return DevicesOf(*lab);
}

api::Status NeopsLabs::Release(const NeopsSessionView& session) { return Unref(session, ""); }

api::Status NeopsLabs::Unref(const NeopsSessionView& session, const std::string& only) {
  std::lock_guard<std::mutex> lock(mu_);
  auto lab = CurrentLab();
  if (!lab || (!only.empty() && api::Name(*lab) != only)) return NoLabRunning();
  int refs = EffectiveRefs(*lab, session.name);
  return StoreRefs(api::Name(*lab), std::max(0, refs - 1), session.name);
}

api::Result<bool> NeopsLabs::Delete(bool force) {
  std::lock_guard<std::mutex> lock(mu_);
  auto lab = CurrentLab();
  if (!lab) return false;
  std::string holder = lab->value("/status/heldBy"_json_pointer, std::string());
  if (!force && EffectiveRefs(*lab, holder) > 0) return api::Status::Conflict("Lab still in use");
  LABCTL_RETURN_IF_ERROR(RemoveLab(*lab));
  return true;
}

}  // namespace labctl::server
