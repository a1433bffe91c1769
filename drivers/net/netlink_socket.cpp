#include "drivers/net/netlink_socket.h"

#include <libmnl/libmnl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>

namespace labctl::net {
namespace {

struct AttrTable {
  std::vector<AttrView>* attrs;
  int max_type;
};

int StoreAttr(const nlattr* attr, void* data) {
  auto* table = static_cast<AttrTable*>(data);
  int type = mnl_attr_get_type(attr);
  if (type <= table->max_type)
    (*table->attrs)[type] = {mnl_attr_get_payload(attr), mnl_attr_get_payload_len(attr)};
  return MNL_CB_OK;
}

using Visitor = std::function<void(int type, AttrView)>;

int VisitAttr(const nlattr* attr, void* data) {
  (*static_cast<const Visitor*>(data))(
      mnl_attr_get_type(attr), {mnl_attr_get_payload(attr), mnl_attr_get_payload_len(attr)});
  return MNL_CB_OK;
}

// True if the datagram is whole messages, each at least a header and no longer than what is
// left (trailing bytes too short for a header are ignored, as libmnl does). libmnl's own check
// compares a length as int, so one past 2^31 passes it, and its walk then aligns 2^32 - 1 to 0.
bool WholeMessages(const uint8_t* buf, size_t len) {
  while (len >= sizeof(nlmsghdr)) {
    uint32_t size = reinterpret_cast<const nlmsghdr*>(buf)->nlmsg_len;
    if (size < sizeof(nlmsghdr) || size > len) return false;
    size_t step = std::min<size_t>(NLMSG_ALIGN(size), len);
    buf += step;
    len -= step;
  }
  return true;
}

// A datagram whose first message answers another sequence number is a late reply to an earlier
// exchange this socket gave up on (the kernel answers each request in its own datagrams).
bool StaleReply(const uint8_t* buf, size_t len, uint32_t seq) {
  const auto* h = reinterpret_cast<const nlmsghdr*>(buf);
  return mnl_nlmsg_ok(h, static_cast<int>(len)) && !mnl_nlmsg_seq_ok(h, seq);
}

// True if the datagram holds the message that ends the reply to `seq`.
bool HoldsEnd(const uint8_t* buf, size_t len, uint32_t seq) {
  int left = static_cast<int>(len);
  for (auto* h = reinterpret_cast<const nlmsghdr*>(buf); mnl_nlmsg_ok(h, left);
       h = mnl_nlmsg_next(h, &left)) {
    if (h->nlmsg_seq == seq && (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR))
      return true;
  }
  return false;
}

int CallOnReply(const nlmsghdr* h, void* data) {
  (*static_cast<const OnReply*>(data))(h);
  return MNL_CB_OK;
}

}  // namespace

NetlinkMessage::NetlinkMessage(uint16_t type, uint16_t flags) : buffer_(MNL_NLMSG_HDRLEN) {
  nlmsghdr* h = mnl_nlmsg_put_header(buffer_.data());
  h->nlmsg_type = type;
  h->nlmsg_flags = NLM_F_REQUEST | flags;
}

void NetlinkMessage::Reserve(size_t len) {
  buffer_.resize(header()->nlmsg_len + MNL_ALIGN(len), 0);
}

void NetlinkMessage::PutExtraHeader(const void* data, size_t len) {
  Reserve(len);
  std::memcpy(mnl_nlmsg_put_extra_header(header(), len), data, len);
}

void NetlinkMessage::PutAttr(uint16_t type, const void* data, size_t len) {
  Reserve(MNL_ATTR_HDRLEN + len);
  mnl_attr_put(header(), type, len, data);
}

void NetlinkMessage::PutString(uint16_t type, const std::string& value) {
  PutAttr(type, value.c_str(), value.size() + 1);
}

size_t NetlinkMessage::BeginNested(uint16_t type) {
  Reserve(MNL_ATTR_HDRLEN);
  size_t offset = header()->nlmsg_len;
  mnl_attr_nest_start(header(), type);
  return offset;
}

void NetlinkMessage::EndNested(size_t offset) {
  mnl_attr_nest_end(header(), reinterpret_cast<nlattr*>(buffer_.data() + offset));
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

std::vector<AttrView> ParseAttrs(const nlmsghdr* msg, size_t offset, int max_type) {
  std::vector<AttrView> attrs(max_type + 1);
  if (msg->nlmsg_len < MNL_NLMSG_HDRLEN + MNL_ALIGN(offset)) return attrs;
  AttrTable table{&attrs, max_type};
  mnl_attr_parse(msg, static_cast<unsigned>(offset), StoreAttr, &table);
  return attrs;
}

std::vector<AttrView> ParseNested(const AttrView& nested, int max_type) {
  std::vector<AttrView> attrs(max_type + 1);
  if (!nested.data) return attrs;
  AttrTable table{&attrs, max_type};
  mnl_attr_parse_payload(nested.data, nested.len, StoreAttr, &table);
  return attrs;
}

void ForEachNested(const AttrView& nested, const Visitor& visit) {
  if (nested.data) mnl_attr_parse_payload(nested.data, nested.len, VisitAttr, (void*)&visit);
}

api::Result<NetlinkSocket> NetlinkSocket::Open(int protocol) {
  mnl_socket* nl = mnl_socket_open2(protocol, SOCK_CLOEXEC);
  if (!nl) return api::Status::Internal("netlink socket: " + ErrnoText(-errno));
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) != 0) {
    int e = errno;
    mnl_socket_close(nl);
    return api::Status::Internal("netlink bind: " + ErrnoText(-e));
  }
  int one = 1;  // extended acks are nice to have; ignore if unsupported
  mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
  return NetlinkSocket(nl);
}

NetlinkSocket::NetlinkSocket(mnl_socket* nl)
    : nl_(nl), portid_(mnl_socket_get_portid(nl)), buffer_(MNL_SOCKET_BUFFER_SIZE) {}

NetlinkSocket::NetlinkSocket(NetlinkSocket&& other) noexcept
    : nl_(other.nl_), portid_(other.portid_), seq_(other.seq_), buffer_(std::move(other.buffer_)) {
  other.nl_ = nullptr;
}

NetlinkSocket& NetlinkSocket::operator=(NetlinkSocket&& other) noexcept {
  if (this != &other) {
    Close();
    nl_ = other.nl_;
    portid_ = other.portid_;
    seq_ = other.seq_;
    buffer_ = std::move(other.buffer_);
    other.nl_ = nullptr;
  }
  return *this;
}

NetlinkSocket::~NetlinkSocket() { Close(); }

void NetlinkSocket::Close() {
  if (nl_) mnl_socket_close(nl_);
  nl_ = nullptr;
}

int NetlinkSocket::fd() const { return mnl_socket_get_fd(nl_); }

int NetlinkSocket::Send(NetlinkMessage& msg, uint16_t extra_flags) {
  nlmsghdr* h = msg.header();
  h->nlmsg_flags |= extra_flags;
  h->nlmsg_seq = ++seq_;
  if (mnl_socket_sendto(nl_, msg.bytes().data(), msg.bytes().size()) < 0) return -errno;
  return 0;
}

ssize_t NetlinkSocket::Receive() {
  for (;;) {
    // MSG_PEEK|MSG_TRUNC gives the next datagram's full length without taking it.
    ssize_t size = ::recv(fd(), nullptr, 0, MSG_PEEK | MSG_TRUNC);
    if (size < 0 && errno == EINTR) continue;
    if (size < 0) return -errno;
    if (static_cast<size_t>(size) > buffer_.size()) buffer_.resize(size);
    ssize_t n = mnl_socket_recvfrom(nl_, buffer_.data(), buffer_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -errno;
    return n;
  }
}

int ReadReplies(const uint8_t* buf, size_t len, uint32_t seq, uint32_t portid,
                const OnReply* on_data) {
  len = std::min<size_t>(len, INT_MAX);  // libmnl counts in int
  if (!WholeMessages(buf, len)) return -EBADMSG;
  if (StaleReply(buf, len, seq)) return kMoreReplies;
  int rc = mnl_cb_run(buf, len, seq, portid, on_data ? CallOnReply : nullptr,
                      const_cast<OnReply*>(on_data));
  if (rc == MNL_CB_STOP) return 0;
  if (rc == MNL_CB_OK) return kMoreReplies;
  // libmnl passes the kernel's number on; a forged one that is no errno (0, negative, INT_MIN
  // negated) reads as a malformed message.
  int err = errno;
  return err > 0 ? -err : -EBADMSG;
}

int NetlinkSocket::Exchange(NetlinkMessage& msg, uint16_t flags, const OnReply* on_data) {
  if (int rc = Send(msg, flags); rc != 0) return rc;
  for (;;) {
    ssize_t n = Receive();
    if (n < 0) return static_cast<int>(n);
    int rc = ReadReplies(buffer_.data(), static_cast<size_t>(n), seq_, portid_, on_data);
    if (rc == kMoreReplies) continue;
    // The rest of an interrupted dump is still on its way: take it so a retry starts clean.
    if (rc == -EINTR) {
      if (int drained = DrainUntilEnd(seq_, n); drained != 0) return drained;
    }
    return rc;
  }
}

int NetlinkSocket::Request(NetlinkMessage& msg) {
  // Data messages (NFQUEUE packets arriving meanwhile) are not ours to handle: no callback.
  return Exchange(msg, NLM_F_ACK, nullptr);
}

int NetlinkSocket::DrainUntilEnd(uint32_t seq, ssize_t received) {
  while (!HoldsEnd(buffer_.data(), static_cast<size_t>(received), seq)) {
    received = Receive();
    if (received < 0) return static_cast<int>(received);
    if (!WholeMessages(buffer_.data(), static_cast<size_t>(received))) return -EBADMSG;
  }
  return 0;
}

api::Status NetlinkSocket::Dump(NetlinkMessage& msg, const OnReply& on_message) {
  // Messages are kept until the dump is known to be whole and handed on only then.
  std::vector<uint8_t> messages;
  const OnReply keep = [&messages](const nlmsghdr* h) {
    const auto* p = reinterpret_cast<const uint8_t*>(h);
    messages.insert(messages.end(), p, p + h->nlmsg_len);
    messages.resize(MNL_ALIGN(messages.size()), 0);
  };
  for (int attempt = 1; attempt <= kDumpAttempts; ++attempt) {
    messages.clear();
    int rc = Exchange(msg, NLM_F_DUMP, &keep);
    if (rc == -EINTR) continue;  // interrupted by a concurrent change: the dump is not whole
    if (rc != 0) return api::Status::Internal("netlink dump: " + ErrnoText(rc));
    int left = static_cast<int>(messages.size());
    for (auto* h = reinterpret_cast<const nlmsghdr*>(messages.data()); mnl_nlmsg_ok(h, left);
         h = mnl_nlmsg_next(h, &left))
      on_message(h);
    return api::Status::Ok();
  }
  return api::Status::Unavailable("netlink dump: interrupted by concurrent changes " +
                                  std::to_string(kDumpAttempts) + " times in a row");
}

std::string ErrnoText(int negative_errno) {
  // INT_MIN (a forged answer) has no negation: any errno out of range reads as unknown.
  int e = negative_errno == INT_MIN ? 0 : negative_errno < 0 ? -negative_errno : negative_errno;
  return std::string(strerrorname_np(e) ? strerrorname_np(e) : "E?") + ": " + std::strerror(e);
}

}  // namespace labctl::net
