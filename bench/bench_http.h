// What the HTTP benchmarks share: the Labs they create and a keep-alive client for labd.
// Includes httplib.h: only for benchmarks that speak HTTP.
#pragma once

#include <httplib.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace labctl::bench {

inline const std::string kLabsPath = "/apis/labctl.dev/v1alpha1/labs";

// A one-node Lab of about 400 bytes.
inline nlohmann::json BenchLab(const std::string& name, const nlohmann::json& labels) {
  return {{"apiVersion", "labctl.dev/v1alpha1"},
          {"kind", "Lab"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"spec",
           {{"provider", "docker"},
            {"networks", {{{"name", "lan1"}, {"subnet", "192.168.101.0/24"}}}},
            {"nodes",
             {{{"name", "client-01"},
               {"image", "labbox:latest"},
               {"interfaces", {{{"network", "lan1"}, {"ipv4", "192.168.101.10"}}}}}}}}}};
}

inline std::unique_ptr<httplib::Client> KeepAliveClient(const std::string& host, int port) {
  auto client = std::make_unique<httplib::Client>(host, port);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);  // else each request with a body waits for a delayed ACK
  client->set_read_timeout(std::chrono::seconds(60));
  return client;
}

}  // namespace labctl::bench
