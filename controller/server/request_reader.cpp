#include "controller/server/request_reader.h"

#include <algorithm>

namespace labctl::server {
namespace {

constexpr size_t kReadChunk = 64 << 10;

api::Status BodyTooLarge(size_t limit) {
  return api::Status::TooLarge("request body exceeds the server's limit of " +
                               std::to_string(limit) + " bytes");
}

}  // namespace

void RequestReader::Reset() {
  state_ = State::kHead;
  searched_ = metered_ = 0;
  chunks_ = ChunkedBodyMeter();
  refusal_ = api::Status::Ok();
  continue_due_ = false;
}

size_t RequestReader::Want(const GateConnection& conn) const {
  const size_t have = conn.buffer.size();
  if (state_ == State::kHead)
    return std::min(kReadChunk,
                    limits_.max_head_bytes + 1 - std::min(have, limits_.max_head_bytes));
  if (state_ == State::kBody && conn.head.body == RequestHead::Body::kLength)
    return std::min<uint64_t>(kReadChunk, conn.head.size + conn.head.content_length - have);
  return kReadChunk;
}

bool RequestReader::TakeContinue() {
  bool due = continue_due_;
  continue_due_ = false;
  return due;
}

RequestReader::Step RequestReader::Advance(GateConnection& conn) {
  switch (state_) {
    case State::kHead: {
      Step step = OnHead(conn);
      if (state_ != State::kBody) return step;
      return OnBody(conn);
    }
    case State::kBody:
      return OnBody(conn);
    case State::kComplete:
      return Step::kComplete;
    case State::kRefused:
      return Step::kRefuse;
    case State::kAbandoned:
      return Step::kAbandoned;
  }
  return Step::kNeedMore;
}

RequestReader::Step RequestReader::OnHead(GateConnection& conn) {
  if (conn.buffer.empty()) {
    if (!conn.peer_closed) return Step::kNeedMore;
    state_ = State::kAbandoned;
    return Step::kAbandoned;
  }
  auto end = FindHeadEnd(conn.buffer, searched_);
  searched_ = conn.buffer.size();
  if (!end || *end > limits_.max_head_bytes) {
    if (conn.buffer.size() > limits_.max_head_bytes || end)
      return Refuse(HeadTooLarge(conn.buffer, limits_.max_head_bytes));
    if (!conn.peer_closed) return Step::kNeedMore;
    state_ = State::kAbandoned;  // closed mid-head: nobody to answer
    return Step::kAbandoned;
  }
  auto head = ParseRequestHead(conn.buffer, *end);
  if (!head.ok()) return Refuse(head.status());
  conn.head = std::move(*head);
  conn.request_class = classifier_.Classify(conn.head);
  conn.streams_body = classifier_.StreamsBody(conn.head);
  if (conn.streams_body || conn.head.body == RequestHead::Body::kNone)
    return Complete(conn, conn.head.size);
  if (conn.head.body == RequestHead::Body::kLength &&
      conn.head.content_length > limits_.max_body_bytes)
    return Refuse(BodyTooLarge(limits_.max_body_bytes));
  state_ = State::kBody;
  metered_ = conn.head.size;
  continue_due_ = conn.head.expect_continue && conn.buffer.size() == conn.head.size;
  return Step::kNeedMore;
}

RequestReader::Step RequestReader::OnBody(GateConnection& conn) {
  if (conn.head.body == RequestHead::Body::kLength) {
    if (conn.buffer.size() >= conn.head.size + conn.head.content_length)
      return Complete(conn, conn.head.size + conn.head.content_length);
  } else {
    metered_ += chunks_.Feed(std::string_view(conn.buffer).substr(metered_));
    if (chunks_.failed()) return Refuse(api::Status::BadRequest("malformed chunked body"));
    if (chunks_.decoded() > limits_.max_body_bytes)
      return Refuse(BodyTooLarge(limits_.max_body_bytes));
    if (chunks_.done()) return Complete(conn, metered_);
  }
  if (!conn.peer_closed) return Step::kNeedMore;
  state_ = State::kAbandoned;  // closed mid-body
  return Step::kAbandoned;
}

RequestReader::Step RequestReader::Refuse(api::Status status) {
  refusal_ = std::move(status);
  state_ = State::kRefused;
  return Step::kRefuse;
}

RequestReader::Step RequestReader::Complete(GateConnection& conn, size_t request_bytes) {
  conn.request_bytes = request_bytes;
  state_ = State::kComplete;
  return Step::kComplete;
}

}  // namespace labctl::server
