// DelayQueues: delay, jitter and loss without sch_netem — labd's NFQUEUE path.
//
// For each impaired interface, a rule in the node's namespace (mangle POSTROUTING, IPv4 and IPv6,
// comment labctl:impair:IF; this kernel has the xt NFQUEUE target, not nft's queue expression)
// sends the interface's egress to an NFQUEUE number (1000 + the interface's index when the
// worker started; --queue-bypass: while nobody listens packets pass unimpaired).
// A labd thread bound to that queue from inside the namespace (nfnetlink_queue spoken over a
// raw NETLINK_NETFILTER socket; metadata only, no payload copied) drops each packet with the
// loss probability and releases the others after delay ± uniform jitter (so jitter reorders,
// as netem does). Parameters change live; a worker ends by itself once its namespace is gone
// (the container stopped). Rate is not done here: tbf shapes it (impairment.h). Each worker's
// thread is named nfq-<queue>.
//
// Process-wide (labd has one): Instance(). Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "api/status.h"

namespace labctl::net {

struct DelayParams {
  double delay_ms = 0;
  double jitter_ms = 0;
  double loss_percent = 0;
  bool empty() const { return delay_ms <= 0 && jitter_ms <= 0 && loss_percent <= 0; }
};

class DelayQueues {
 public:
  static DelayQueues& Instance();
  DelayQueues() = default;
  ~DelayQueues();  // stops every worker
  DelayQueues(const DelayQueues&) = delete;
  DelayQueues& operator=(const DelayQueues&) = delete;

  // Impairs the egress of `ifname` in the namespace of `pid` (empty params: Remove).
  api::Status Set(int pid, const std::string& ifname, const DelayParams& params);
  // Removes the queue rule and stops the worker; nothing to remove is fine.
  api::Status Remove(int pid, const std::string& ifname);
  // Workers currently running (for tests and metrics).
  size_t active();

  class Worker;

 private:
  using Key = std::pair<unsigned long, std::string>;  // namespace inode, interface
  void ReapFinished();
  std::mutex mu_;
  std::map<Key, std::unique_ptr<Worker>> workers_;
};

}  // namespace labctl::net
