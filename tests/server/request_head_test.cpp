// Unit tests of what the connection gate reads from a request before any handler: the head's
// end and framing, the request's class, and the decoded size of chunked bodies.
#include "controller/server/request_head.h"

#include <gtest/gtest.h>

#include "controller/server/chunked_body.h"
#include "controller/server/request_reader.h"

namespace labctl::server {
namespace {

api::Result<RequestHead> Parse(const std::string& head) {
  auto end = FindHeadEnd(head);
  EXPECT_TRUE(end.has_value()) << head;
  return ParseRequestHead(head, end.value_or(head.size()));
}

TEST(RequestHeadTest, FindsTheEndAcrossReads) {
  std::string bytes = "GET / HTTP/1.1\r\nHost: x\r\n\r";
  EXPECT_FALSE(FindHeadEnd(bytes).has_value());
  size_t searched = bytes.size();
  bytes += "\nbody";
  EXPECT_EQ(FindHeadEnd(bytes, searched), bytes.size() - 4);
}

TEST(RequestHeadTest, BodyFraming) {
  EXPECT_EQ(Parse("POST /a HTTP/1.1\r\n\r\n")->body, RequestHead::Body::kNone);
  auto sized = Parse("POST /a HTTP/1.1\r\ncontent-length:  12 \r\n\r\n");
  EXPECT_EQ(sized->body, RequestHead::Body::kLength);
  EXPECT_EQ(sized->content_length, 12u);
  EXPECT_EQ(Parse("POST /a HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n")->body,
            RequestHead::Body::kChunked);
  EXPECT_TRUE(Parse("POST /a HTTP/1.1\r\nExpect: 100-continue\r\n\r\n")->expect_continue);
}

TEST(RequestHeadTest, AmbiguousOrUnsupportedFramingIsRefused) {
  auto code = [](const std::string& head) { return Parse(head).status().http_code(); };
  EXPECT_EQ(code("POST /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400);
  EXPECT_EQ(code("POST /a HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(code("POST /a HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            400);
  EXPECT_EQ(code("POST /a HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501);
  EXPECT_EQ(code("POST /a HTTP/1.1\r\nContent-Encoding: br\r\n\r\n"), 415);
  EXPECT_EQ(code("GET /a HTTP/2.0\r\n\r\n"), 400);
  EXPECT_EQ(code("GET  /a HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(code("GET /a HTTP/1.1\r\nbad header\r\n\r\n"), 400);
  EXPECT_TRUE(Parse("POST /a HTTP/1.1\r\nContent-Encoding: identity\r\n\r\n").ok());
}

TEST(RequestHeadTest, TooLargeHeadsAre414Or431) {
  EXPECT_EQ(HeadTooLarge("GET /" + std::string(9000, 'a'), 65536).http_code(), 414);
  EXPECT_EQ(HeadTooLarge("GET / HTTP/1.1\r\nX: " + std::string(70000, 'a'), 65536).http_code(),
            431);
}

TEST(RequestHeadTest, ClassifiesWatchesAndLongRunningRoutesAsHttplibRoutesThem) {
  RequestClassifier c;
  c.AddWatchable("/apis/x/(labs|sessions)");
  c.AddLongRunning("POST", "/apis/x/labs/[^/]+/exec");
  c.AddLongRunning("POST", "/apis/x/labs/[^/]+/exec/[^/]+/stdin", true);
  auto cls = [&](const std::string& line) { return c.Classify(*Parse(line + "\r\n\r\n")); };
  EXPECT_EQ(cls("GET /apis/x/labs?watch=1 HTTP/1.1"), RequestClass::kWatch);
  EXPECT_EQ(cls("GET /apis/x/labs?limit=1&watch=TRUE HTTP/1.1"), RequestClass::kWatch);
  EXPECT_EQ(cls("GET /apis/x/labs?watch=false HTTP/1.1"), RequestClass::kOrdinary);
  EXPECT_EQ(cls("GET /apis/x/labs HTTP/1.1"), RequestClass::kOrdinary);
  EXPECT_EQ(cls("GET /apis/x/labs/a?watch=1 HTTP/1.1"), RequestClass::kOrdinary);
  // Percent-encoding cannot smuggle a watch past the gate: it decodes as cpp-httplib does.
  EXPECT_EQ(cls("GET /apis/x/%6cabs?%77atch=%74rue HTTP/1.1"), RequestClass::kWatch);
  EXPECT_EQ(cls("GET /apis/x/%u006cabs?watch=1 HTTP/1.1"), RequestClass::kWatch);
  EXPECT_EQ(cls("POST /apis/x/labs/l/exec HTTP/1.1"), RequestClass::kLongRunning);
  EXPECT_EQ(cls("GET /apis/x/labs/l/exec HTTP/1.1"), RequestClass::kOrdinary);
  EXPECT_TRUE(c.StreamsBody(*Parse("POST /apis/x/labs/l/exec/9/stdin HTTP/1.1\r\n\r\n")));
  EXPECT_FALSE(c.StreamsBody(*Parse("POST /apis/x/labs/l/exec HTTP/1.1\r\n\r\n")));
}

// Rules are told apart by their literal prefix before any regex runs: the shortcut must never
// refuse a path the regex matches (alternation at the top, an optional last character).
TEST(RequestHeadTest, LiteralPrefixesNeverHideAMatch) {
  RequestClassifier c;
  c.AddLongRunning("POST", "/lab/up|/other/run");
  c.AddLongRunning("POST", "/labs?/[^/]+/go");
  c.AddLongRunning("POST", "^/x\\.y/z");
  auto cls = [&](const std::string& line) { return c.Classify(*Parse(line + "\r\n\r\n")); };
  EXPECT_EQ(cls("POST /lab/up HTTP/1.1"), RequestClass::kLongRunning);
  EXPECT_EQ(cls("POST /other/run HTTP/1.1"), RequestClass::kLongRunning);
  EXPECT_EQ(cls("POST /lab/a/go HTTP/1.1"), RequestClass::kLongRunning);
  EXPECT_EQ(cls("POST /labs/a/go HTTP/1.1"), RequestClass::kLongRunning);
  EXPECT_EQ(cls("POST /x.y/z HTTP/1.1"), RequestClass::kLongRunning);
  EXPECT_EQ(cls("POST /la/a/go HTTP/1.1"), RequestClass::kOrdinary);
  EXPECT_EQ(cls("POST /session HTTP/1.1"), RequestClass::kOrdinary);
}

TEST(ChunkedBodyMeterTest, CountsDecodedBytesAndStopsAtTheEnd) {
  ChunkedBodyMeter meter;
  std::string body = "5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nTrailer: x\r\n\r\n";
  std::string next = "GET / HTTP/1.1\r\n\r\n";
  size_t used = 0;
  for (char c : body + next) used += meter.Feed(std::string_view(&c, 1));  // byte by byte
  EXPECT_TRUE(meter.done());
  EXPECT_EQ(used, body.size());
  EXPECT_EQ(meter.decoded(), 6u);
}

TEST(ChunkedBodyMeterTest, MalformedFramingFails) {
  for (const char* bad : {"x\r\n", "5\r\nhelloX\r\n", "ffffffffffffffffff\r\n"}) {
    ChunkedBodyMeter meter;
    meter.Feed(bad);
    EXPECT_TRUE(meter.failed()) << bad;
  }
  ChunkedBodyMeter big;
  big.Feed("100000\r\n" + std::string(1 << 20, 'a'));
  EXPECT_EQ(big.decoded(), 1u << 20);
  EXPECT_FALSE(big.done());
}

}  // namespace
}  // namespace labctl::server

namespace labctl::server {
namespace {

TEST(RequestReaderTest, DecidesFromTheBytesSoFar) {
  GateLimits limits;
  limits.max_body_bytes = 10;
  RequestClassifier classifier;
  RequestReader reader(limits, classifier);
  GateConnection conn;
  conn.buffer = "POST /a HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n";
  EXPECT_EQ(reader.Advance(conn), RequestReader::Step::kNeedMore);
  EXPECT_TRUE(reader.TakeContinue());
  EXPECT_EQ(reader.Want(conn), 4u);  // never past the body
  conn.buffer += "bodyGET /next HTTP/1.1\r\n";
  EXPECT_EQ(reader.Advance(conn), RequestReader::Step::kComplete);
  EXPECT_EQ(conn.request_bytes, conn.buffer.size() - std::string("GET /next HTTP/1.1\r\n").size());

  reader.Reset();
  conn = GateConnection();
  conn.buffer = "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n";
  EXPECT_EQ(reader.Advance(conn), RequestReader::Step::kNeedMore);
  conn.buffer += "8\r\n12345678\r\n";
  EXPECT_EQ(reader.Advance(conn), RequestReader::Step::kRefuse);
  EXPECT_EQ(reader.refusal().http_code(), 413);

  reader.Reset();
  conn = GateConnection();
  conn.buffer = "GET /a HTTP/1.1\r\n";
  conn.peer_closed = true;
  EXPECT_EQ(reader.Advance(conn), RequestReader::Step::kAbandoned);
}

}  // namespace
}  // namespace labctl::server
