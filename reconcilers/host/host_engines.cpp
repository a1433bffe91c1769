#include "reconcilers/host/host_engines.h"

#include <spdlog/spdlog.h>

namespace labctl::reconcilers {

std::string HostEngines::KeyOf(const api::HostSpec& spec) {
  std::string key = spec.endpoint;
  if (spec.tls) key += "|" + spec.tls->ca + "|" + spec.tls->cert + "|" + spec.tls->key;
  return key;
}

std::shared_ptr<HostConnection> HostEngines::Ensure(const std::string& host,
                                                    const api::HostSpec& spec) {
  const std::string key = KeyOf(spec);
  std::shared_ptr<HostConnection> replaced;
  std::shared_ptr<HostConnection> built;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = connections_.find(host);
    if (it != connections_.end() && it->second->key == key) return it->second;
    built = factory_(host, spec);
    built->host = host;
    built->key = key;
    if (it != connections_.end()) replaced = std::move(it->second);
    connections_[host] = built;
  }
  spdlog::info("host={} connecting endpoint={}", host, spec.endpoint);
  if (built->start) built->start();
  return built;  // `replaced` ends here unless a pass still uses it
}

std::shared_ptr<HostConnection> HostEngines::Get(const std::string& host) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = connections_.find(host);
  return it == connections_.end() ? nullptr : it->second;
}

void HostEngines::Remove(const std::string& host) {
  std::shared_ptr<HostConnection> gone;
  std::lock_guard<std::mutex> l(mu_);
  auto it = connections_.find(host);
  if (it == connections_.end()) return;
  gone = std::move(it->second);
  connections_.erase(it);
  spdlog::info("host={} disconnected (Host deleted)", host);
}

std::vector<std::shared_ptr<HostConnection>> HostEngines::All() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::shared_ptr<HostConnection>> all;
  for (const auto& [name, c] : connections_) all.push_back(c);
  return all;
}

void HostEngines::StopEvents() {
  for (const auto& connection : All())
    if (connection->stop) connection->stop();
}

void HostEngines::Clear() {
  std::map<std::string, std::shared_ptr<HostConnection>> gone;
  std::lock_guard<std::mutex> l(mu_);
  gone.swap(connections_);
}

}  // namespace labctl::reconcilers
