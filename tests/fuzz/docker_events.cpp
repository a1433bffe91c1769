// Docker's /events stream (drivers/docker/event_stream): newline-separated JSON objects arriving
// in chunks cut anywhere. The events must not depend on where the chunks were cut: the input is
// fed whole, and again in pieces whose sizes come from the input's first byte.
#include <vector>

#include "drivers/docker/event_stream.h"
#include "fuzz_input.h"

using namespace labctl;

namespace {

std::vector<docker::EngineEvent> Read(std::string_view stream, size_t piece) {
  std::vector<docker::EngineEvent> events;
  docker::EventStreamReader reader;
  auto keep = [&](const docker::EngineEvent& e) {
    events.push_back(e);
    return true;
  };
  while (!stream.empty()) {
    std::string_view chunk = stream.substr(0, piece);
    stream.remove_prefix(chunk.size());
    reader.Feed(chunk, keep);
  }
  return events;
}

bool Same(const std::vector<docker::EngineEvent>& a, const std::vector<docker::EngineEvent>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].type != b[i].type || a[i].action != b[i].action || a[i].id != b[i].id ||
        a[i].attributes != b[i].attributes)
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view stream = fuzz::Text(data + 1, size - 1);
  auto whole = Read(stream, stream.size() + 1);
  auto pieces = Read(stream, 1 + data[0] % 17);
  if (!Same(whole, pieces)) fuzz::Fail("events depend on where the stream was cut");
  // A callback that asks to stop ends the stream at its first event.
  docker::EventStreamReader reader;
  int calls = 0;
  reader.Feed(stream, [&](const docker::EngineEvent&) { return ++calls, false; });
  if (calls > 1) fuzz::Fail("events delivered after the callback said stop");
  return 0;
}
