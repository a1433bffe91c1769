// RequestReader: decides, from the bytes read so far on a connection, whether its next request
// is complete (head and body in memory), needs more bytes, must be refused (with the Status to
// answer), or was abandoned by a client that closed. It reads nothing itself: the connection
// gate and a worker continuing a keep-alive connection both feed it what they recv().
#pragma once

#include <cstddef>

#include "api/status.h"
#include "controller/server/chunked_body.h"
#include "controller/server/connection_gate.h"
#include "controller/server/request_head.h"

namespace labctl::server {

class RequestReader {
 public:
  enum class Step { kNeedMore, kComplete, kRefuse, kAbandoned };

  RequestReader(const GateLimits& limits, const RequestClassifier& classifier)
      : limits_(limits), classifier_(classifier) {}

  // Examines conn.buffer (and conn.peer_closed); on kComplete, conn.head, request_class,
  // streams_body and request_bytes describe the request. Idempotent once decided.
  Step Advance(GateConnection& conn);
  // How many bytes to read next: never past the head limit or a Content-Length body.
  size_t Want(const GateConnection& conn) const;
  // True once, when the head asked for "100 Continue" and no body byte is there yet.
  bool TakeContinue();
  const api::Status& refusal() const { return refusal_; }
  bool reading_body() const { return state_ == State::kBody; }
  void Reset();

 private:
  enum class State { kHead, kBody, kComplete, kRefused, kAbandoned };
  Step OnHead(GateConnection& conn);
  Step OnBody(GateConnection& conn);
  Step Refuse(api::Status status);
  Step Complete(GateConnection& conn, size_t request_bytes);

  const GateLimits& limits_;
  const RequestClassifier& classifier_;
  State state_ = State::kHead;
  size_t searched_ = 0;  // bytes of the buffer already searched for the head's end
  size_t metered_ = 0;   // bytes of the buffer fed to chunks_
  ChunkedBodyMeter chunks_;
  api::Status refusal_;
  bool continue_due_ = false;
};

}  // namespace labctl::server
