#include "drivers/net/impairment.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "drivers/net/delay_queue.h"
#include "drivers/net/netns.h"
#include "drivers/net/process.h"
#include "drivers/net/rtnetlink.h"
#include "fmt/format.h"

namespace labctl::net {
namespace {

using Args = std::vector<std::string>;

Args NetemArgs(const std::string& ifname, const Impairment& imp) {
  Args a = {"tc", "qdisc", "replace", "dev", ifname, "root", "netem"};
  if (imp.delay_ms > 0 || imp.jitter_ms > 0) {
    a.insert(a.end(), {"delay", fmt::format("{}ms", imp.delay_ms)});
    if (imp.jitter_ms > 0) a.push_back(fmt::format("{}ms", imp.jitter_ms));
  }
  if (imp.loss_percent > 0) a.insert(a.end(), {"loss", fmt::format("{}%", imp.loss_percent)});
  if (imp.rate_kbit > 0) a.insert(a.end(), {"rate", fmt::format("{}kbit", imp.rate_kbit)});
  return a;
}

Args TbfArgs(const std::string& ifname, long rate_kbit) {
  // Burst: 10 ms worth of traffic, at least a couple of full frames.
  long burst = std::max<long>(3200, rate_kbit * 1000 / 8 / 100);
  return {"tc",
          "qdisc",
          "replace",
          "dev",
          ifname,
          "root",
          "tbf",
          "rate",
          fmt::format("{}kbit", rate_kbit),
          "burst",
          std::to_string(burst),
          "latency",
          "50ms"};
}

bool NetemMissing(const ProcessOutput& out) {
  return out.exit_code != 0 && (out.err.find("unknown") != std::string::npos ||
                                out.err.find("No such file") != std::string::npos);
}

// `tc qdisc del dev IFNAME root` over rtnetlink (no process: a bring-up clears every interface
// of every node). Only a socket that cannot be opened is an error: a missing interface or one
// with its default qdisc has nothing to clear.
api::Status ClearRootQdisc(const std::string& ifname) {
  auto rtnl = Rtnl::Open();
  if (!rtnl.ok()) return rtnl.status();
  auto link = rtnl->FindLinkByName(ifname);
  if (!link.ok() || !*link) return api::Status::Ok();
  (void)rtnl->DeleteRootQdisc((*link)->index);
  return api::Status::Ok();
}

api::Status ApplyInNamespace(const std::string& ifname, const Impairment& imp,
                             std::string& mechanism) {
  if (imp.empty()) {
    mechanism = "none";
    return ClearRootQdisc(ifname);
  }
  auto netem = RunProcess(NetemArgs(ifname, imp));
  if (!netem.ok()) return netem.status();
  if (netem->exit_code == 0) {
    mechanism = "netem";
    return api::Status::Ok();
  }
  if (!NetemMissing(*netem))
    return api::Status::Internal("tc netem on " + ifname + ": " + netem->err);
  // No netem: rate with tbf here; delay/jitter/loss by labd's NFQUEUE path (the caller).
  bool timing = imp.delay_ms > 0 || imp.jitter_ms > 0 || imp.loss_percent > 0;
  if (imp.rate_kbit > 0) {
    LABCTL_RETURN_IF_ERROR(RunChecked(TbfArgs(ifname, imp.rate_kbit)));
    mechanism = timing ? "nfqueue+tbf" : "tbf";
  } else {
    LABCTL_RETURN_IF_ERROR(ClearRootQdisc(ifname));
    mechanism = timing ? "nfqueue" : "none";
  }
  return api::Status::Ok();
}

}  // namespace

api::Result<std::string> ApplyImpairment(int pid, const std::string& ifname,
                                         const Impairment& impairment) {
  auto ns = Netns::OpenPid(pid);
  if (!ns.ok()) return ns.status();
  std::string mechanism;
  LABCTL_RETURN_IF_ERROR(ns->Run([&] { return ApplyInNamespace(ifname, impairment, mechanism); }));
  DelayParams queue;
  if (mechanism.find("nfqueue") != std::string::npos)
    queue = {impairment.delay_ms, impairment.jitter_ms, impairment.loss_percent};
  LABCTL_RETURN_IF_ERROR(DelayQueues::Instance().Set(pid, ifname, queue));
  spdlog::info("impairment applied pid={} iface={} mechanism=\"{}\"", pid, ifname, mechanism);
  return mechanism;
}

}  // namespace labctl::net
