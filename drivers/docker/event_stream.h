// EventStreamReader: turns the bytes of Docker's /events answer (one JSON object per line,
// arriving in chunks cut anywhere) into EngineEvents. Lines that are not JSON objects are
// skipped; a line longer than kMaxEventLineBytes is dropped whole (up to its newline), so a
// stream that never ends a line cannot grow the buffer without bound.
#pragma once

#include <string>
#include <string_view>

#include "drivers/docker/engine.h"

namespace labctl::docker {

inline constexpr size_t kMaxEventLineBytes = 1u << 20;

class EventStreamReader {
 public:
  // Hands every complete line's event to `callback`; false as soon as the callback returns false
  // (the stream should end), true otherwise.
  bool Feed(std::string_view chunk, const EventCallback& callback);

 private:
  std::string line_;
  bool dropping_ = false;  // inside a line that grew past the limit
};

}  // namespace labctl::docker
