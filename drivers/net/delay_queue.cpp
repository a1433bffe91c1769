#include "drivers/net/delay_queue.h"

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <queue>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "drivers/net/iptables_lines.h"
#include "drivers/net/netlink_socket.h"
#include "drivers/net/netns.h"
#include "drivers/net/process.h"

namespace labctl::net {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint16_t kQueueBase = 1000;

bool IsInterfaceName(const std::string& s) {
  if (s.empty() || s.size() >= IFNAMSIZ) return false;
  for (char c : s)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

unsigned long InodeOf(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

uint16_t QueueMsg(uint8_t msg) { return static_cast<uint16_t>((NFNL_SUBSYS_QUEUE << 8) | msg); }

void PutQueueHeader(NetlinkMessage& m, uint16_t queue) {
  nfgenmsg gen{};
  gen.nfgen_family = AF_UNSPEC;
  gen.version = NFNETLINK_V0;
  gen.res_id = htons(queue);
  m.PutHeader(gen);
}

// Binds `queue` on a NETLINK_NETFILTER socket of the calling thread's namespace: metadata only,
// fail-open when the queue is full (an overloaded link passes packets rather than stalling).
api::Result<NetlinkSocket> BindQueue(uint16_t queue) {
  auto socket = NetlinkSocket::Open(NETLINK_NETFILTER);
  if (!socket.ok()) return socket.status();
  NetlinkMessage bind(QueueMsg(NFQNL_MSG_CONFIG), 0);
  PutQueueHeader(bind, queue);
  nfqnl_msg_config_cmd cmd{};
  cmd.command = NFQNL_CFG_CMD_BIND;
  cmd.pf = htons(AF_INET);
  bind.PutAttr(NFQA_CFG_CMD, &cmd, sizeof(cmd));
  if (int rc = socket->Request(bind); rc != 0)
    return api::Status::Internal("bind nfqueue " + std::to_string(queue) + ": " + ErrnoText(rc));
  NetlinkMessage params(QueueMsg(NFQNL_MSG_CONFIG), 0);
  PutQueueHeader(params, queue);
  nfqnl_msg_config_params p{};
  p.copy_range = htonl(0);
  p.copy_mode = NFQNL_COPY_META;
  params.PutAttr(NFQA_CFG_PARAMS, &p, sizeof(p));
  params.PutU32(NFQA_CFG_QUEUE_MAXLEN, htonl(4096));
  params.PutU32(NFQA_CFG_FLAGS, htonl(NFQA_CFG_F_FAIL_OPEN));
  params.PutU32(NFQA_CFG_MASK, htonl(NFQA_CFG_F_FAIL_OPEN));
  if (int rc = socket->Request(params); rc != 0)
    return api::Status::Internal("configure nfqueue: " + ErrnoText(rc));
  int big = 4 << 20, one = 1;
  ::setsockopt(socket->fd(), SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
  ::setsockopt(socket->fd(), SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
  return socket;
}

std::string Comment(const std::string& ifname) { return "labctl:impair:" + ifname; }

// Our rules in one family's mangle POSTROUTING, as `iptables -S` lines.
std::vector<std::string> CurrentRules(const char* tool, const std::string& ifname) {
  std::vector<std::string> lines;
  auto r = RunProcess({tool, "-w", "-t", "mangle", "-S", "POSTROUTING"});
  if (!r.ok() || r->exit_code != 0) return lines;
  std::istringstream in(r->out);
  for (std::string line; std::getline(in, line);)
    if (line.find("\"" + Comment(ifname) + "\"") != std::string::npos ||
        line.find(" " + Comment(ifname) + " ") != std::string::npos)
      lines.push_back(line);
  return lines;
}

void DeleteRules(const char* tool, const std::vector<std::string>& lines) {
  for (const auto& line : lines) (void)RunProcess(DeleteRuleArgs(tool, "mangle", line));
}

// This kernel has the xt NFQUEUE target but not nft's queue expression, so the rule goes in
// through iptables/ip6tables (nf_tables backend) with labctl's comment; idempotent.
api::Status InstallRule(const std::string& ifname, uint16_t queue) {
  for (const char* tool : {"iptables", "ip6tables"}) {
    auto current = CurrentRules(tool, ifname);
    const std::string num = " --queue-num " + std::to_string(queue) + " ";
    if (current.size() == 1 && (current[0] + " ").find(num) != std::string::npos) continue;
    DeleteRules(tool, current);
    auto r = RunChecked({tool, "-w", "-t", "mangle", "-A", "POSTROUTING", "-o", ifname, "-m",
                         "comment", "--comment", Comment(ifname), "-j", "NFQUEUE", "--queue-num",
                         std::to_string(queue), "--queue-bypass"});
    if (!r.ok() && std::string(tool) == "iptables") return r.status();  // IPv6 is best effort
  }
  return api::Status::Ok();
}

void RemoveRule(const std::string& ifname) {
  for (const char* tool : {"iptables", "ip6tables"}) DeleteRules(tool, CurrentRules(tool, ifname));
}

}  // namespace

// One queue: receives packet ids, answers each with a verdict at its release time.
class DelayQueues::Worker {
 public:
  Worker(NetlinkSocket socket, uint16_t queue, std::string ns_path, unsigned long ns_inode,
         const DelayParams& params)
      : socket_(std::move(socket)),
        queue_(queue),
        ns_path_(std::move(ns_path)),
        ns_inode_(ns_inode),
        params_(params) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~Worker() { Stop(); }

  void Update(const DelayParams& params) {
    std::lock_guard<std::mutex> l(mu_);
    params_ = params;
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  bool finished() const { return finished_; }
  uint16_t queue() const { return queue_; }

 private:
  struct Pending {
    Clock::time_point due;
    uint32_t id;
    bool operator>(const Pending& o) const { return due > o.due; }
  };

  void Verdict(uint32_t id, uint32_t verdict) {
    NetlinkMessage m(QueueMsg(NFQNL_MSG_VERDICT), 0);
    PutQueueHeader(m, queue_);
    nfqnl_msg_verdict_hdr v{htonl(verdict), htonl(id)};
    m.PutAttr(NFQA_VERDICT_HDR, &v, sizeof(v));
    if (int rc = socket_.SendNoAck(m); rc != 0)
      spdlog::warn("nfqueue={} verdict failed: {}", queue_, ErrnoText(rc));
  }

  void OnPacket(uint32_t id) {
    DelayParams p;
    {
      std::lock_guard<std::mutex> l(mu_);
      p = params_;
    }
    if (p.loss_percent > 0 && uniform_(rng_) * 100.0 < p.loss_percent) {
      Verdict(id, NF_DROP);
      return;
    }
    double ms = p.delay_ms + (p.jitter_ms > 0 ? (uniform_(rng_) * 2 - 1) * p.jitter_ms : 0);
    if (ms <= 0) {
      Verdict(id, NF_ACCEPT);
      return;
    }
    pending_.push({Clock::now() + std::chrono::microseconds(static_cast<int64_t>(ms * 1000)), id});
  }

  void Receive() {
    std::vector<uint8_t> buf(256 * 1024);
    for (;;) {
      ssize_t n = ::recv(socket_.fd(), buf.data(), buf.size(), MSG_DONTWAIT);
      if (n <= 0) return;
      for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, n);
           h = NLMSG_NEXT(h, n)) {
        if (h->nlmsg_type != QueueMsg(NFQNL_MSG_PACKET)) continue;
        auto attrs = ParseAttrs(h, sizeof(nfgenmsg), NFQA_MAX);
        const AttrView& hdr = attrs[NFQA_PACKET_HDR];
        if (!hdr.data || hdr.len < sizeof(nfqnl_msg_packet_hdr)) continue;
        OnPacket(ntohl(static_cast<const nfqnl_msg_packet_hdr*>(hdr.data)->packet_id));
      }
    }
  }

  void Loop() {
    // Named so a worker outliving its namespace can be seen from outside (/proc/PID/task/*/comm).
    ::pthread_setname_np(::pthread_self(), ("nfq-" + std::to_string(queue_)).c_str());
    auto next_check = Clock::now();
    while (!stop_) {
      auto now = Clock::now();
      while (!pending_.empty() && pending_.top().due <= now) {
        Verdict(pending_.top().id, NF_ACCEPT);
        pending_.pop();
      }
      if (now >= next_check) {
        if (InodeOf(ns_path_) != ns_inode_) break;  // the container is gone
        next_check = now + std::chrono::seconds(1);
      }
      auto until = std::min(next_check, pending_.empty() ? next_check : pending_.top().due);
      auto wait = std::chrono::duration_cast<std::chrono::microseconds>(until - now).count();
      pollfd fd{socket_.fd(), POLLIN, 0};
      // Sub-millisecond waits spin with timeout 0 rather than sleeping a whole millisecond.
      if (::poll(&fd, 1, static_cast<int>(std::max<int64_t>(0, wait / 1000))) > 0) Receive();
    }
    while (!pending_.empty()) {  // leaving: let everything still held go
      Verdict(pending_.top().id, NF_ACCEPT);
      pending_.pop();
    }
    finished_ = true;
  }

  NetlinkSocket socket_;
  uint16_t queue_;
  std::string ns_path_;
  unsigned long ns_inode_;
  std::mutex mu_;
  DelayParams params_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending_;
  std::mt19937_64 rng_{std::random_device{}()};
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

DelayQueues& DelayQueues::Instance() {
  static DelayQueues instance;
  return instance;
}

DelayQueues::~DelayQueues() {
  std::lock_guard<std::mutex> l(mu_);
  workers_.clear();
}

void DelayQueues::ReapFinished() {
  for (auto it = workers_.begin(); it != workers_.end();)
    it = it->second->finished() ? workers_.erase(it) : std::next(it);
}

size_t DelayQueues::active() {
  std::lock_guard<std::mutex> l(mu_);
  ReapFinished();
  return workers_.size();
}

api::Status DelayQueues::Set(int pid, const std::string& ifname, const DelayParams& params) {
  if (params.empty()) return Remove(pid, ifname);
  if (!IsInterfaceName(ifname)) return api::Status::BadRequest("bad interface name " + ifname);
  auto ns = Netns::OpenPid(pid);
  if (!ns.ok()) return ns.status();
  const unsigned long inode = InodeOf(ns->path());
  std::lock_guard<std::mutex> l(mu_);
  ReapFinished();
  const Key key{inode, ifname};
  if (auto it = workers_.find(key); it != workers_.end()) {
    it->second->Update(params);
    // The rule may be gone (a reset restored an older snapshot): put it back if so.
    const uint16_t queue = it->second->queue();
    return ns->Run([&] { return InstallRule(ifname, queue); });
  }
  std::optional<NetlinkSocket> socket;
  uint16_t queue = 0;
  LABCTL_RETURN_IF_ERROR(ns->Run([&]() -> api::Status {
    unsigned index = ::if_nametoindex(ifname.c_str());
    if (index == 0) return api::Status::NotFound("no interface " + ifname + " in the node");
    queue = static_cast<uint16_t>(kQueueBase + index);
    auto bound = BindQueue(queue);
    if (!bound.ok()) return bound.status();
    socket.emplace(std::move(*bound));
    return api::Status::Ok();
  }));
  auto worker = std::make_unique<Worker>(std::move(*socket), queue, ns->path(), inode, params);
  LABCTL_RETURN_IF_ERROR(ns->Run([&] { return InstallRule(ifname, queue); }));
  workers_[key] = std::move(worker);
  spdlog::info("nfqueue impairment pid={} iface={} queue={} delay_ms={} jitter_ms={} loss={}%", pid,
               ifname, queue, params.delay_ms, params.jitter_ms, params.loss_percent);
  return api::Status::Ok();
}

api::Status DelayQueues::Remove(int pid, const std::string& ifname) {
  auto ns = Netns::OpenPid(pid);
  if (!ns.ok()) return ns.status().code() == api::Code::kNotFound ? api::Status::Ok() : ns.status();
  std::unique_ptr<Worker> worker;
  {
    std::lock_guard<std::mutex> l(mu_);
    ReapFinished();
    auto it = workers_.find(Key{InodeOf(ns->path()), ifname});
    if (it == workers_.end()) return api::Status::Ok();
    worker = std::move(it->second);
    workers_.erase(it);
  }
  // Rule first, so nothing new is queued; then the worker releases what it holds.
  LABCTL_RETURN_IF_ERROR(ns->Run([&] {
    RemoveRule(ifname);
    return api::Status::Ok();
  }));
  worker->Stop();
  return api::Status::Ok();
}

}  // namespace labctl::net
