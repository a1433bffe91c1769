// PrivateDockerd: a second dockerd of the test's own, for tests that must stop or restart the
// engine (the system dockerd is shared with other test runs and is never restarted).
//
// Runs `dockerd` with its own socket (and, with EnableTls, a TLS port on loopback), data root, exec
// root (so its own managed containerd) and pid file under a fresh /tmp/labctl-dockerd-XXXXXX, the
// vfs storage driver (no mounts that other mount namespaces could hold busy), no iptables rules
// (the host's rules belong to the system dockerd) and a default bridge of its own, lbtest<pid> on a
// /24 of 198.18.0.0/15 (the benchmarking range), created before and deleted after. (With `--bridge
// none` dockerd deletes the host's docker0, which the system dockerd then lacks until it restarts.)
// Without iptables rules, bridged traffic between containers is dropped by the host's FORWARD
// policy when br_netfilter is loaded, so labs on it must not depend on traffic between nodes.
// Stop() leaves no process behind: after dockerd exits, every process that names its directory
// (its containerd, containerd-shims) is killed with all its descendants (the containers).
// Leftovers of killed runs (a directory whose test process is gone) — processes, bridge,
// mounts, directory — are removed by the next PrivateDockerd. The directory holds the test's pid
// (owner), its bridge's name and its build directory (for tests/host_hygiene.sh).
// Not thread-safe.
#pragma once

#include <string>

#include "api/status.h"

namespace labctl::testing {

class PrivateDockerd {
 public:
  PrivateDockerd();
  ~PrivateDockerd();  // Stop(), then unmount and remove the directory
  PrivateDockerd(const PrivateDockerd&) = delete;
  PrivateDockerd& operator=(const PrivateDockerd&) = delete;

  // Starts dockerd and waits (up to 60 s) until it answers /_ping.
  api::Status Start();
  // SIGTERM (as `systemctl restart docker` does) and wait until the process is gone.
  api::Status Stop();
  // Copies an image from the system dockerd (docker save | docker load).
  api::Status LoadImage(const std::string& image);
  // Before Start(): also listen on tcp://127.0.0.1:<free port> with TLS that verifies clients
  // (`dockerd --tlsverify`), with a CA, a server and a client certificate made by openssl in
  // tls_dir(): ca.pem, cert.pem, key.pem (the client's, as `docker --tlsverify` takes them)
  // and other-ca.pem (a CA that signed nothing, for a client that must not trust the engine).
  api::Status EnableTls();
  std::string tls_host() const { return "tcp://127.0.0.1:" + std::to_string(tls_port_); }
  std::string tls_dir() const { return dir_ + "/tls"; }

  std::string host() const { return "unix://" + dir_ + "/docker.sock"; }
  std::string log_path() const { return dir_ + "/dockerd.log"; }
  std::string bridge() const { return bridge_; }

 private:
  std::string dir_;
  std::string bridge_;
  int pid_ = -1;
  int tls_port_ = 0;  // 0: no TLS listener
};

}  // namespace labctl::testing
