// NetlinkSocket against the kernel of a private network namespace: dumps that span many
// datagrams arrive whole, replies larger than any fixed buffer are read whole, and a dump that a
// concurrent change interrupts (NLM_F_DUMP_INTR) is never handed out as if it were complete.
#include "drivers/net/netlink_socket.h"

#include <gtest/gtest.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "drivers/net/netns.h"
#include "drivers/net/rtnetlink.h"
#include "net/netns_testing.h"

namespace labctl::net {
namespace {

using testing::RtnlIn;
using testing::TestNamespace;

NetlinkSocket RouteSocketIn(int pid) {
  auto ns = Netns::OpenPid(pid);
  EXPECT_TRUE(ns.ok());
  std::optional<NetlinkSocket> socket;
  EXPECT_TRUE(ns->Run([&]() -> api::Status {
                  auto s = NetlinkSocket::Open(NETLINK_ROUTE);
                  if (!s.ok()) return s.status();
                  socket.emplace(std::move(s).value());
                  return api::Status::Ok();
                }).ok());
  return std::move(*socket);
}

// `pairs` veth pairs named va<i>/vb<i>, both ends in the namespace; returns every name.
std::set<std::string> MakeVethPairs(Rtnl& rtnl, int pairs) {
  std::set<std::string> names;
  for (int i = 0; i < pairs; ++i) {
    std::string a = "va" + std::to_string(i), b = "vb" + std::to_string(i);
    auto st = rtnl.CreateVeth(a, 0, b, 0);
    EXPECT_TRUE(st.ok()) << st.ToString();
    names.insert(a);
    names.insert(b);
  }
  return names;
}

std::set<std::string> LinkNames(const std::vector<LinkInfo>& links) {
  std::set<std::string> names;
  for (const auto& l : links) names.insert(l.name);
  return names;
}

TEST(NetlinkSocket, DumpSpanningManyDatagramsArrivesWhole) {
  TestNamespace ns;
  Rtnl rtnl = RtnlIn(ns.pid());
  std::set<std::string> made = MakeVethPairs(rtnl, 150);  // ~300 links: a dozen datagrams
  auto links = rtnl.ListLinks();
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  std::set<std::string> seen = LinkNames(*links);
  for (const auto& name : made) EXPECT_TRUE(seen.count(name)) << name;
  EXPECT_EQ(links->size(), made.size() + 1);  // + lo
}

TEST(NetlinkSocket, ReplyLargerThanAnyFixedBufferIsReadWhole) {
  TestNamespace ns;
  NetlinkSocket socket = RouteSocketIn(ns.pid());
  // A receive that waited forever for the rest of a cut reply fails the test instead of hanging.
  timeval timeout{10, 0};
  ASSERT_EQ(::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)), 0);
  int rcvbuf = 1 << 20;
  ::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  // A failed request's error reply echoes the whole request: ~100 KiB here, more than 64 KiB.
  NetlinkMessage m(RTM_NEWLINK, 0);
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = 0x7ffffff0;  // no such link
  m.PutHeader(ifi);
  const std::string filler(2000, 'x');
  for (int i = 0; i < 50; ++i) m.PutAttr(1000, filler.data(), filler.size());  // above IFLA_MAX
  ASSERT_GT(m.bytes().size(), 64u * 1024);
  EXPECT_EQ(socket.Request(m), -ENODEV);
  // The socket is still in step: the next request gets its own answer.
  NetlinkMessage again(RTM_NEWLINK, 0);
  again.PutHeader(ifi);
  EXPECT_EQ(socket.Request(again), -ENODEV);
}

TEST(NetlinkSocket, InterruptedDumpIsNeverHandedOutAsComplete) {
  TestNamespace ns;
  {
    Rtnl rtnl = RtnlIn(ns.pid());
    MakeVethPairs(rtnl, 100);
  }
  std::atomic<bool> stop{false};
  std::thread churn([&] {  // adds and removes a link as fast as it can, on its own socket
    Rtnl rtnl = RtnlIn(ns.pid());
    while (!stop) {
      if (!rtnl.CreateVeth("churn0", 0, "churn1", 0).ok()) continue;
      auto link = rtnl.FindLinkByName("churn0");
      if (link.ok() && *link) (void)rtnl.DeleteLink((*link)->index);  // churn: outcome unused
    }
  });
  NetlinkSocket socket = RouteSocketIn(ns.pid());
  int flagged = 0, complete = 0, gave_up = 0;
  for (int i = 0; i < 300; ++i) {
    NetlinkMessage m(RTM_GETLINK, 0);
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    m.PutHeader(ifi);
    size_t links = 0;
    api::Status st = socket.Dump(m, [&](const nlmsghdr* h) {
      if (h->nlmsg_flags & NLM_F_DUMP_INTR) ++flagged;
      if (h->nlmsg_type == RTM_NEWLINK) ++links;
    });
    if (st.ok()) {
      ++complete;
      EXPECT_GE(links, 201u);  // every stable link and lo, at least
    } else {
      ++gave_up;
      EXPECT_EQ(st.code(), api::Code::kUnavailable) << st.ToString();
    }
  }
  stop = true;
  churn.join();
  EXPECT_EQ(flagged, 0) << "messages of interrupted dumps were handed out";
  EXPECT_GT(complete, 0) << "gave up " << gave_up << " times";
}

}  // namespace
}  // namespace labctl::net
