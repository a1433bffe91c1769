// NetlinkSocket: a small netlink client (request building, acked requests, dumps) on libmnl.
//
// libmnl checks every reply's port id and sequence number and reports kernel errors and
// interrupted dumps (NLM_F_DUMP_INTR); on top of it this module guarantees:
// - a reply is read whole, whatever its size (the buffer grows to the next datagram's length);
// - a dump is handed to the caller only once complete and consistent: a dump that the kernel
//   flags as interrupted by a concurrent change is drained and retried, and reported as
//   Unavailable if it is interrupted kDumpAttempts times in a row;
// - replies left over from an earlier, abandoned exchange are skipped.
//
// A socket belongs to the network namespace of the thread that created it, for its whole life:
// create it inside Netns::Run() to talk to a container's kernel state from any thread. A socket
// is not thread-safe (one request in flight); it is move-only and closes on destruction.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/status.h"

struct mnl_socket;

namespace labctl::net {

// Receives one reply message (a dump's data, NFQUEUE packets).
using OnReply = std::function<void(const nlmsghdr*)>;

// One netlink request: header, a fixed family header (ifinfomsg, rtmsg, ...) and attributes.
class NetlinkMessage {
 public:
  NetlinkMessage(uint16_t type, uint16_t flags);

  // Appends a fixed-size family header: once, before any attribute (or at the start of a nest,
  // as a veth peer's ifinfomsg).
  template <class T>
  void PutHeader(const T& header) {
    PutExtraHeader(&header, sizeof(header));
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
  void PutExtraHeader(const void* data, size_t len);
  // Grows the buffer so `len` more bytes (aligned) fit after the message's current end.
  void Reserve(size_t len);
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
// Parses the attribute list that starts `offset` bytes after the message header.
std::vector<AttrView> ParseAttrs(const nlmsghdr* msg, size_t offset, int max_type);
std::vector<AttrView> ParseNested(const AttrView& nested, int max_type);
// Every attribute inside `nested`, in order (for types that repeat, like IFLA_ALT_IFNAME).
void ForEachNested(const AttrView& nested, const std::function<void(int type, AttrView)>& visit);

class NetlinkSocket {
 public:
  static constexpr int kDumpAttempts = 5;

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
  // Sends with NLM_F_DUMP and, once the whole dump has arrived uninterrupted, hands each reply
  // message to `on_message` in order.
  api::Status Dump(NetlinkMessage& msg, const OnReply& on_message);
  // Sends without asking for an ack (NFQUEUE verdicts); 0 or a negative errno.
  int SendNoAck(NetlinkMessage& msg) { return Send(msg, 0); }
  // For poll() and recv() by protocols that receive unsolicited messages (NFQUEUE packets).
  int fd() const;

 private:
  explicit NetlinkSocket(mnl_socket* nl);
  int Send(NetlinkMessage& msg, uint16_t extra_flags);
  // Reads the next datagram whole into buffer_: its length, or a negative errno.
  ssize_t Receive();
  // Sends `msg` with `flags` and reads its replies until the ack or NLMSG_DONE, handing data
  // messages to `on_data` (nullptr: ignored). 0, or a negative errno: the kernel's error, a
  // transport failure, or -EINTR for an interrupted dump (drained).
  int Exchange(NetlinkMessage& msg, uint16_t flags, const OnReply* on_data);
  // Reads until the reply to `seq` ends (NLMSG_DONE or NLMSG_ERROR); 0 or a negative errno.
  int DrainUntilEnd(uint32_t seq, ssize_t received);
  void Close();

  mnl_socket* nl_ = nullptr;
  uint32_t portid_ = 0;
  uint32_t seq_ = 0;
  std::vector<uint8_t> buffer_;
};

// Reads one received datagram of replies to the request numbered `seq` from port `portid`
// (0: any), as NetlinkSocket does, through libmnl's mnl_cb_run. Pure, so the kernel's answers
// are fuzzed (tests/fuzz) without a kernel. Data messages go to `on_data` (nullptr: ignored).
// Returns kMoreReplies when more datagrams follow (or this one was a late reply to an earlier
// request), 0 at the reply's end (the ack or NLMSG_DONE), or a negative errno: the kernel's
// error, -EBADMSG for an error message cut short, -EINTR for a dump interrupted by a change.
inline constexpr int kMoreReplies = 1;
int ReadReplies(const uint8_t* buf, size_t len, uint32_t seq, uint32_t portid,
                const OnReply* on_data);

// "EEXIST: File exists" style text for a negative errno.
std::string ErrnoText(int negative_errno);

}  // namespace labctl::net
