// ChunkedBodyMeter: follows a chunked request body (RFC 9112 7.1) as its bytes arrive, without
// keeping them, so the connection gate knows when the body is complete and how large it is once
// decoded — the size the 4 MiB body limit is about, whatever the chunking.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace labctl::server {

class ChunkedBodyMeter {
 public:
  // Follows `bytes`; returns how many belong to the body (it stops at the body's end, so bytes
  // of a next, pipelined request are not taken).
  size_t Feed(std::string_view bytes);
  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kFailed; }
  uint64_t decoded() const { return decoded_; }  // data bytes so far, framing excluded

 private:
  enum class State { kSizeLine, kData, kDataEnd, kTrailer, kDone, kFailed };
  void OnLine(std::string_view line);

  State state_ = State::kSizeLine;
  std::string line_;  // the size, data-end or trailer line being read
  uint64_t remaining_ = 0;
  uint64_t decoded_ = 0;
};

}  // namespace labctl::server
