// StreamDemuxer: splits Docker's multiplexed stdout/stderr stream (used by logs and exec of a
// container without a TTY) into its frames. Each frame is an 8-byte header — stream type
// (0 stdin, 1 stdout, 2 stderr), three zero bytes, a big-endian 32-bit length — then the
// payload. Chunks may split headers and payloads anywhere; the demuxer buffers as needed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reconcilers/docker/engine.h"

namespace labctl::docker {

class StreamDemuxer {
 public:
  explicit StreamDemuxer(OutputCallback callback) : callback_(std::move(callback)) {}

  // Feeds raw bytes; returns false once the callback asked to stop.
  bool Feed(std::string_view chunk) {
    buffer_.append(chunk);
    size_t pos = 0;
    bool keep_going = true;
    while (keep_going && buffer_.size() - pos >= 8) {
      const auto* h = reinterpret_cast<const unsigned char*>(buffer_.data() + pos);
      uint32_t size =
          (uint32_t{h[4]} << 24) | (uint32_t{h[5]} << 16) | (uint32_t{h[6]} << 8) | uint32_t{h[7]};
      if (buffer_.size() - pos - 8 < size) break;
      keep_going = callback_(h[0], std::string_view(buffer_).substr(pos + 8, size));
      pos += 8 + size;
    }
    buffer_.erase(0, pos);
    return keep_going;
  }

 private:
  OutputCallback callback_;
  std::string buffer_;
};

}  // namespace labctl::docker
