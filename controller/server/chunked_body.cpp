#include "controller/server/chunked_body.h"

#include <algorithm>

namespace labctl::server {
namespace {

// Longer chunk-size or trailer lines are refused (cpp-httplib reads lines into 4 KiB).
constexpr size_t kMaxLine = 4096;
// A chunk size beyond this cannot be honest (and would overflow the decoded count).
constexpr uint64_t kMaxChunk = uint64_t{1} << 48;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

size_t ChunkedBodyMeter::Feed(std::string_view bytes) {
  size_t used = 0;
  while (used < bytes.size() && !done() && !failed()) {
    if (state_ == State::kData) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, bytes.size() - used));
      used += n;
      remaining_ -= n;
      decoded_ += n;
      if (remaining_ == 0) state_ = State::kDataEnd;
      continue;
    }
    char c = bytes[used++];
    if (c != '\n') {
      if (line_.size() >= kMaxLine) state_ = State::kFailed;
      line_ += c;
      continue;
    }
    std::string_view line(line_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    OnLine(line);
    line_.clear();
  }
  return used;
}

void ChunkedBodyMeter::OnLine(std::string_view line) {
  switch (state_) {
    case State::kSizeLine: {
      uint64_t size = 0;
      size_t digits = 0;
      for (; digits < line.size() && HexDigit(line[digits]) >= 0; ++digits) {
        size = size * 16 + static_cast<uint64_t>(HexDigit(line[digits]));
        if (size > kMaxChunk) break;
      }
      std::string_view rest = line.substr(digits);
      bool ext_ok =
          rest.empty() || rest.front() == ';' || rest.front() == ' ' || rest.front() == '\t';
      if (digits == 0 || size > kMaxChunk || !ext_ok) {
        state_ = State::kFailed;
      } else if (size == 0) {
        state_ = State::kTrailer;
      } else {
        remaining_ = size;
        state_ = State::kData;
      }
      return;
    }
    case State::kDataEnd:
      state_ = line.empty() ? State::kSizeLine : State::kFailed;
      return;
    case State::kTrailer:
      if (line.empty()) state_ = State::kDone;
      return;
    default:
      return;
  }
}

}  // namespace labctl::server
