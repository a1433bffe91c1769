#include "drivers/docker/event_stream.h"

#include "drivers/docker/engine_json.h"

namespace labctl::docker {

bool EventStreamReader::Feed(std::string_view chunk, const EventCallback& callback) {
  while (!chunk.empty()) {
    size_t nl = chunk.find('\n');
    std::string_view piece = chunk.substr(0, nl);
    chunk = nl == std::string_view::npos ? std::string_view() : chunk.substr(nl + 1);
    if (!dropping_ && line_.size() + piece.size() > kMaxEventLineBytes) {
      dropping_ = true;
      line_.clear();
    }
    if (!dropping_) line_.append(piece);
    if (nl == std::string_view::npos) break;
    bool complete = !dropping_;
    dropping_ = false;
    if (!complete) continue;
    auto j = json::parse(line_, nullptr, false);
    line_.clear();
    if (j.is_object() && !callback(ParseEvent(j))) return false;
  }
  return true;
}

}  // namespace labctl::docker
