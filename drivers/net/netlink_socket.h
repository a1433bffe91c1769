// NetlinkSocket: a minimal netlink client (request building, acked requests, dumps) without
// libmnl/libnl.
//
// A socket belongs to the network namespace of the thread that created it, for its whole life:
// create it inside Netns::Run() to talk to a container's kernel state from any thread. A socket
// is not thread-safe (one request in flight); it is move-only and closes its fd on destruction.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/status.h"

namespace labctl::net {

// One netlink request: header, a fixed family header (ifinfomsg, rtmsg, ...) and attributes.
class NetlinkMessage {
 public:
  NetlinkMessage(uint16_t type, uint16_t flags);

  // Appends a fixed-size family header; call once, before any attribute.
  template <class T>
  void PutHeader(const T& header) {
    Append(&header, sizeof(header));
  }
  void PutAttr(uint16_t type, const void* data, size_t len);
  void PutString(uint16_t type, const std::string& value);  // NUL-terminated
  void PutU32(uint16_t type, uint32_t value) { PutAttr(type, &value, sizeof(value)); }
  // Nested attributes: PutAttr calls between Begin and End land inside.
  size_t BeginNested(uint16_t type);
  void EndNested(size_t offset);

  nlmsghdr* header() { return reinterpret_cast<nlmsghdr*>(buffer_.data()); }
  const std::vector<uint8_t>& bytes() const { return buffer_; }

 private:
  void Append(const void* data, size_t len);
  std::vector<uint8_t> buffer_;
};

// Attributes of a received message, by type (the last one of a type wins).
struct AttrView {
  const void* data = nullptr;
  size_t len = 0;
  std::string AsString() const;  // strips the trailing NUL
  uint32_t AsU32() const;
};
// The fixed family header (ifinfomsg, nlmsgerr, ...) of a received message; nullptr when the
// message is too short to hold it.
template <class T>
const T* FamilyHeader(const nlmsghdr* h) {
  if (h->nlmsg_len < NLMSG_LENGTH(sizeof(T))) return nullptr;
  return static_cast<const T*>(NLMSG_DATA(h));
}
// Parses the rtattr list that starts `offset` bytes after the message header.
std::vector<AttrView> ParseAttrs(const nlmsghdr* msg, size_t offset, int max_type);
std::vector<AttrView> ParseNested(const AttrView& nested, int max_type);

class NetlinkSocket {
 public:
  // Opens a socket of `protocol` (NETLINK_ROUTE, NETLINK_NETFILTER) in the calling thread's netns.
  static api::Result<NetlinkSocket> Open(int protocol);
  NetlinkSocket(NetlinkSocket&& other) noexcept;
  NetlinkSocket& operator=(NetlinkSocket&& other) noexcept;
  NetlinkSocket(const NetlinkSocket&) = delete;
  NetlinkSocket& operator=(const NetlinkSocket&) = delete;
  ~NetlinkSocket();

  // Sends with NLM_F_ACK and waits for the ack: 0, or the negative errno the kernel returned.
  // A transport failure is reported as a negative errno too.
  int Request(NetlinkMessage& msg);
  // Sends with NLM_F_DUMP and hands each reply message to `on_message` until NLMSG_DONE.
  api::Status Dump(NetlinkMessage& msg, const std::function<void(const nlmsghdr*)>& on_message);
  // Sends without asking for an ack (NFQUEUE verdicts); 0 or a negative errno.
  int SendNoAck(NetlinkMessage& msg) { return Send(msg, 0); }
  // For poll() and recv() by protocols that receive unsolicited messages (NFQUEUE packets).
  int fd() const { return fd_; }

 private:
  explicit NetlinkSocket(int fd) : fd_(fd) {}
  int Send(NetlinkMessage& msg, uint16_t extra_flags);
  int fd_ = -1;
  uint32_t seq_ = 0;
};

// Reading one received buffer of replies to the request numbered `seq` (messages of other
// requests are skipped). Pure, so the kernel's answers are fuzzed (tests/fuzz) without a kernel.
//
// The answer to an acked request: 0 or the negative errno of its NLMSG_ERROR; nullopt when the
// buffer holds none (read on).
std::optional<int> FindAck(const uint8_t* buf, size_t len, uint32_t seq);
// Hands each reply of dump `seq` to `on_message`: true at the dump's end (NLMSG_DONE or an ack),
// false when more buffers follow, Internal for an NLMSG_ERROR with an errno.
api::Result<bool> WalkDumpReplies(const uint8_t* buf, size_t len, uint32_t seq,
                                  const std::function<void(const nlmsghdr*)>& on_message);

// "EEXIST: File exists" style text for a negative errno.
std::string ErrnoText(int negative_errno);

}  // namespace labctl::net
