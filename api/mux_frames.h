// MuxFrames: Docker's multiplexed stream format — each frame an 8-byte header (stream byte, three
// zero bytes, big-endian 32-bit length) then the payload — which Docker uses for the output of
// logs and exec without a TTY, and labctl reuses for its streamed exec (below): MuxFrame encodes
// one frame, MuxDemuxer splits a byte stream back into frames. Header-only; used by labd's
// Docker client, its exec endpoint and the labctl CLI alike.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace labctl::api {

// Streamed exec (POST .../labs/NAME/exec?stream=true, docs/api.md): frames with stream 1
// stdout, 2 stderr, 0 an empty heartbeat (ignore it), 4 (first, only when stdin was asked for)
// JSON {"execId": "..."} naming the exec whose stdin POST .../exec/{execId}/stdin feeds, and 3
// the exit frame, last: JSON {"exitCode": N[, "timedOut": true][, "cancelled": true]} or
// {"error": "..."}. The stdin request's body is frames of the same format: stream 0 with the
// bytes for the process's stdin (an empty one is a keep-alive); the end of the body closes the
// process's stdin.
inline constexpr char kExecStreamContentType[] = "application/vnd.labctl.exec-stream";
inline constexpr int kExecStreamHeartbeat = 0;
inline constexpr int kExecStreamStdout = 1;
inline constexpr int kExecStreamStderr = 2;
inline constexpr int kExecStreamExit = 3;
inline constexpr int kExecStreamStarted = 4;
inline constexpr int kExecStdinData = 0;

inline std::string MuxFrame(int stream, std::string_view payload) {
  std::string f(8, '\0');
  f[0] = static_cast<char>(stream);
  auto n = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) f[4 + i] = static_cast<char>((n >> (24 - 8 * i)) & 0xff);
  f.append(payload);
  return f;
}

// Chunks may split headers and payloads anywhere; the demuxer buffers as needed.
class MuxDemuxer {
 public:
  // Called with each frame's stream and payload; returns false to stop.
  using FrameCallback = std::function<bool(int stream, std::string_view payload)>;

  explicit MuxDemuxer(FrameCallback callback) : callback_(std::move(callback)) {}

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
  FrameCallback callback_;
  std::string buffer_;
};

}  // namespace labctl::api
