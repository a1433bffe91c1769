#include "drivers/net/netlink_socket.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>

namespace labctl::net {
namespace {

constexpr size_t kAlign = 4;
size_t Aligned(size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

struct RtAttrHeader {
  uint16_t len;
  uint16_t type;
};

}  // namespace

NetlinkMessage::NetlinkMessage(uint16_t type, uint16_t flags) {
  nlmsghdr h{};
  h.nlmsg_len = sizeof(nlmsghdr);
  h.nlmsg_type = type;
  h.nlmsg_flags = NLM_F_REQUEST | flags;
  Append(&h, sizeof(h));
}

void NetlinkMessage::Append(const void* data, size_t len) {
  size_t at = buffer_.size();
  buffer_.resize(at + Aligned(len), 0);
  if (len) std::memcpy(buffer_.data() + at, data, len);
  header()->nlmsg_len = static_cast<uint32_t>(buffer_.size());
}

void NetlinkMessage::PutAttr(uint16_t type, const void* data, size_t len) {
  RtAttrHeader a{static_cast<uint16_t>(sizeof(RtAttrHeader) + len), type};
  Append(&a, sizeof(a));
  Append(data, len);
}

void NetlinkMessage::PutString(uint16_t type, const std::string& value) {
  PutAttr(type, value.c_str(), value.size() + 1);
}

size_t NetlinkMessage::BeginNested(uint16_t type) {
  size_t offset = buffer_.size();
  RtAttrHeader a{sizeof(RtAttrHeader), static_cast<uint16_t>(type | NLA_F_NESTED)};
  Append(&a, sizeof(a));
  return offset;
}

void NetlinkMessage::EndNested(size_t offset) {
  auto* a = reinterpret_cast<RtAttrHeader*>(buffer_.data() + offset);
  a->len = static_cast<uint16_t>(buffer_.size() - offset);
}

std::string AttrView::AsString() const {
  const char* s = static_cast<const char*>(data);
  size_t n = len;
  while (n > 0 && s[n - 1] == '\0') --n;
  return std::string(s, n);
}

uint32_t AttrView::AsU32() const {
  uint32_t v = 0;
  if (len >= sizeof(v)) std::memcpy(&v, data, sizeof(v));
  return v;
}

static std::vector<AttrView> ParseAttrRange(const uint8_t* p, size_t len, int max_type) {
  std::vector<AttrView> attrs(max_type + 1);
  while (len >= sizeof(RtAttrHeader)) {
    RtAttrHeader a;
    std::memcpy(&a, p, sizeof(a));
    if (a.len < sizeof(RtAttrHeader) || a.len > len) break;
    int type = a.type & NLA_TYPE_MASK;
    if (type <= max_type) attrs[type] = {p + sizeof(RtAttrHeader), a.len - sizeof(RtAttrHeader)};
    size_t step = Aligned(a.len);
    if (step >= len) break;
    p += step;
    len -= step;
  }
  return attrs;
}

std::vector<AttrView> ParseAttrs(const nlmsghdr* msg, size_t offset, int max_type) {
  const auto* base = reinterpret_cast<const uint8_t*>(msg);
  size_t start = sizeof(nlmsghdr) + Aligned(offset);
  if (msg->nlmsg_len < start) return std::vector<AttrView>(max_type + 1);
  return ParseAttrRange(base + start, msg->nlmsg_len - start, max_type);
}

std::vector<AttrView> ParseNested(const AttrView& nested, int max_type) {
  if (!nested.data) return std::vector<AttrView>(max_type + 1);
  return ParseAttrRange(static_cast<const uint8_t*>(nested.data), nested.len, max_type);
}

api::Result<NetlinkSocket> NetlinkSocket::Open(int protocol) {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
  if (fd < 0) return api::Status::Internal(std::string("netlink socket: ") + std::strerror(errno));
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    int e = errno;
    ::close(fd);
    return api::Status::Internal(std::string("netlink bind: ") + std::strerror(e));
  }
  int one = 1;  // extended acks are nice to have; ignore if unsupported
  ::setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
  return NetlinkSocket(fd);
}

NetlinkSocket::NetlinkSocket(NetlinkSocket&& other) noexcept : fd_(other.fd_), seq_(other.seq_) {
  other.fd_ = -1;
}

NetlinkSocket& NetlinkSocket::operator=(NetlinkSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    seq_ = other.seq_;
    other.fd_ = -1;
  }
  return *this;
}

NetlinkSocket::~NetlinkSocket() {
  if (fd_ >= 0) ::close(fd_);
}

int NetlinkSocket::Send(NetlinkMessage& msg, uint16_t extra_flags) {
  nlmsghdr* h = msg.header();
  h->nlmsg_flags |= extra_flags;
  h->nlmsg_seq = ++seq_;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  ssize_t n = ::sendto(fd_, msg.bytes().data(), msg.bytes().size(), 0,
                       reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel));
  if (n < 0) return -errno;
  return 0;
}

int NetlinkSocket::Request(NetlinkMessage& msg) {
  if (int rc = Send(msg, NLM_F_ACK); rc != 0) return rc;
  std::vector<uint8_t> buf(64 * 1024);
  for (;;) {
    ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (auto rc = FindAck(buf.data(), static_cast<size_t>(n), seq_)) return *rc;
  }
}

api::Status NetlinkSocket::Dump(NetlinkMessage& msg,
                                const std::function<void(const nlmsghdr*)>& on_message) {
  if (int rc = Send(msg, NLM_F_DUMP); rc != 0)
    return api::Status::Internal("netlink dump: " + ErrnoText(rc));
  std::vector<uint8_t> buf(64 * 1024);
  for (;;) {
    ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return api::Status::Internal("netlink dump recv: " + ErrnoText(-errno));
    }
    auto done = WalkDumpReplies(buf.data(), static_cast<size_t>(n), seq_, on_message);
    if (!done.ok()) return done.status();
    if (*done) return api::Status::Ok();
  }
}

namespace {

// The errno of an NLMSG_ERROR message; EBADMSG for one cut short (never bytes past its end).
int ErrorOf(const nlmsghdr* h) {
  const int* error = FamilyHeader<int>(h);
  return error ? *error : -EBADMSG;
}

// Calls `visit` for each whole message of `seq` in the buffer until it returns true.
template <class Visit>
void ForEachReply(const uint8_t* buf, size_t len, uint32_t seq, Visit visit) {
  int left = static_cast<int>(std::min<size_t>(len, INT32_MAX));
  for (auto* h = reinterpret_cast<const nlmsghdr*>(buf); NLMSG_OK(h, left);
       h = NLMSG_NEXT(h, left)) {
    if (h->nlmsg_seq == seq && visit(h)) return;
  }
}

}  // namespace

std::optional<int> FindAck(const uint8_t* buf, size_t len, uint32_t seq) {
  std::optional<int> rc;
  ForEachReply(buf, len, seq, [&](const nlmsghdr* h) {
    if (h->nlmsg_type == NLMSG_ERROR) rc = ErrorOf(h);
    return rc.has_value();
  });
  return rc;
}

api::Result<bool> WalkDumpReplies(const uint8_t* buf, size_t len, uint32_t seq,
                                  const std::function<void(const nlmsghdr*)>& on_message) {
  api::Result<bool> done = false;
  ForEachReply(buf, len, seq, [&](const nlmsghdr* h) {
    if (h->nlmsg_type == NLMSG_DONE) {
      done = true;
    } else if (h->nlmsg_type == NLMSG_ERROR) {
      int error = ErrorOf(h);
      if (error == 0)
        done = true;
      else
        done = api::Status::Internal("netlink dump: " + ErrnoText(error));
    } else {
      on_message(h);
      return false;
    }
    return true;
  });
  return done;
}

std::string ErrnoText(int negative_errno) {
  // INT_MIN (a forged answer) has no negation: any errno out of range reads as unknown.
  int e = negative_errno == INT_MIN ? 0 : negative_errno < 0 ? -negative_errno : negative_errno;
  return std::string(strerrorname_np(e) ? strerrorname_np(e) : "E?") + ": " + std::strerror(e);
}

}  // namespace labctl::net
