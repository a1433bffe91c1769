// The kernel's netlink answers read from bytes (netlink_socket's reply walk, rtnetlink_messages'
// parsers): messages cut short must not be read past their end. Found by tests/fuzz/netlink.
#include <gtest/gtest.h>
#include <linux/rtnetlink.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "drivers/net/netlink_socket.h"
#include "drivers/net/rtnetlink_messages.h"

namespace labctl::net {
namespace {

// A message of `type` and sequence number 1 whose nlmsg_len is `len`, in a buffer of
// `buffer_len` bytes filled with `fill` after the header.
std::vector<uint8_t> Message(uint16_t type, uint32_t len, size_t buffer_len, uint8_t fill) {
  std::vector<uint8_t> buf(buffer_len, fill);
  nlmsghdr h{};
  h.nlmsg_len = len;
  h.nlmsg_type = type;
  h.nlmsg_seq = 1;
  std::memcpy(buf.data(), &h, sizeof(h));
  return buf;
}

const nlmsghdr* Header(const std::vector<uint8_t>& buf) {
  return reinterpret_cast<const nlmsghdr*>(buf.data());
}

TEST(NetlinkMessages, AnErrorMessageCutShortIsNoAck) {
  // The error number would lie past the message's end: the bytes there (zeros: "success") must
  // not be read as the answer.
  auto buf = Message(NLMSG_ERROR, sizeof(nlmsghdr), sizeof(nlmsghdr) + 4, 0);
  EXPECT_EQ(ReadReplies(buf.data(), buf.size(), 1, 0, nullptr), -EBADMSG);
  const OnReply ignore = [](const nlmsghdr*) {};
  EXPECT_EQ(ReadReplies(buf.data(), buf.size(), 1, 0, &ignore), -EBADMSG);
}

TEST(NetlinkMessages, WholeErrorMessagesStillAnswer) {
  auto buf = Message(NLMSG_ERROR, NLMSG_LENGTH(sizeof(nlmsgerr)), NLMSG_SPACE(sizeof(nlmsgerr)), 0);
  int eexist = -EEXIST;
  std::memcpy(buf.data() + sizeof(nlmsghdr), &eexist, sizeof(eexist));
  EXPECT_EQ(ReadReplies(buf.data(), buf.size(), 1, 0, nullptr), -EEXIST);
}

TEST(NetlinkMessages, AForgedErrnoThatIsNoErrnoIsAMalformedMessage) {
  // INT_MIN has no negation; the answer must still be a negative errno.
  auto buf = Message(NLMSG_ERROR, NLMSG_LENGTH(sizeof(nlmsgerr)), NLMSG_SPACE(sizeof(nlmsgerr)), 0);
  int forged = INT_MIN;
  std::memcpy(buf.data() + sizeof(nlmsghdr), &forged, sizeof(forged));
  EXPECT_EQ(ReadReplies(buf.data(), buf.size(), 1, 0, nullptr), -EBADMSG);
}

// Found by tests/fuzz/netlink once the walk ran on libmnl: libmnl takes a length past 2^32 - 4
// for a message that fits (it compares as int) and aligns it to 0, so its walk never moved on;
// a data message that long would have been read past the buffer's end.
TEST(NetlinkMessages, AMessageLongerThanTheBufferIsMalformed) {
  for (uint32_t len : {0xffffffffu, 0xfffffffdu, 0x7fffffffu, 64u}) {
    auto buf = Message(RTM_NEWLINK, len, 32, 0);
    const OnReply fail = [](const nlmsghdr*) { ADD_FAILURE() << "handed on"; };
    EXPECT_EQ(ReadReplies(buf.data(), buf.size(), 1, 0, &fail), -EBADMSG) << len;
    EXPECT_EQ(ReadReplies(buf.data(), buf.size(), 1, 0, nullptr), -EBADMSG) << len;
  }
}

TEST(NetlinkMessages, FamilyHeadersCutShortAreNotParsed) {
  // Each message holds only 4 bytes of its family header; the rest of the buffer is 0xff.
  auto link = Message(RTM_NEWLINK, NLMSG_LENGTH(4), 64, 0xff);
  EXPECT_FALSE(ParseLinkMessage(Header(link)).has_value());
  auto address = Message(RTM_NEWADDR, NLMSG_LENGTH(4), 64, 0xff);
  EXPECT_FALSE(ParseAddressMessage(Header(address)).has_value());
  auto route = Message(RTM_NEWROUTE, NLMSG_LENGTH(4), 64, 0xff);
  EXPECT_FALSE(ParseRouteMessage(Header(route), api::IpFamily::kV4).has_value());
}

TEST(NetlinkMessages, AWholeLinkMessageIsParsed) {
  auto buf = Message(RTM_NEWLINK, NLMSG_LENGTH(sizeof(ifinfomsg)), 64, 0);
  ifinfomsg ifi{};
  ifi.ifi_index = 7;
  std::memcpy(buf.data() + sizeof(nlmsghdr), &ifi, sizeof(ifi));
  auto link = ParseLinkMessage(Header(buf));
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->index, 7);
}

}  // namespace
}  // namespace labctl::net
