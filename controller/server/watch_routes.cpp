// Watch streams: GET <collection>?watch=1 answered as chunked application/x-ndjson, one event a
// line. Empty lines are keep-alives (sent after `watch_keepalive_interval` of silence) so that
// clients with a read timeout stay connected and a client that went away is noticed by the
// failed write, which releases the watch.
#include <spdlog/spdlog.h>

#include <optional>

#include "controller/server/query_params.h"
#include "controller/server/server_context.h"
#include "controller/server/watch_encoding.h"
#include "controller/server/watch_positions.h"

namespace labctl::server {
namespace {

using api::Kind;
using api::Status;
using Clock = std::chrono::steady_clock;

WatchEncoder& Encoder() {
  static WatchEncoder encoder;
  return encoder;
}

// One open stream: pumps store events to the client until timeout, error, stop or disconnect.
class WatchStream {
 public:
  WatchStream(ServerContext& ctx, Kind kind, std::unique_ptr<store::Watch> watch,
              const WatchRequest& request, const WatchPositions& positions)
      : ctx_(ctx),
        kind_(kind),
        watch_(std::move(watch)),
        bookmarks_(request.bookmarks),
        positions_(positions) {
    Clock::time_point now = Clock::now();
    if (request.timeout) deadline_ = now + *request.timeout;
    last_write_ = last_bookmark_ = now;
  }
  store::Watch* watch() { return watch_.get(); }

  // The content provider: returns false when the client is gone (cpp-httplib then closes).
  bool Pump(httplib::DataSink& sink) {
    for (;;) {
      Clock::time_point now = Clock::now();
      if (ctx_.watches.stopping() || (deadline_ && now >= *deadline_)) return Finish(sink);
      store::WatchEvent event;
      switch (watch_->Poll(&event, WaitFor(now))) {
        case store::Watch::Next::kClosed:
          return Finish(sink);
        case store::Watch::Next::kEvent:
          if (event.type == store::WatchEvent::kBookmark && !bookmarks_) break;
          if (!Write(sink, *positions_.Line(Encoder(), kind_, event))) return false;
          if (event.type == store::WatchEvent::kError) return Finish(sink);
          break;
        case store::Watch::Next::kTimeout:
          if (!Idle(sink)) return false;
          break;
      }
      for (const auto& line : positions_.Moved(Clock::now()))
        if (!Write(sink, line)) return false;
    }
  }

 private:
  std::chrono::milliseconds WaitFor(Clock::time_point now) const {
    Clock::time_point next = last_write_ + ctx_.options.watch_keepalive_interval;
    if (bookmarks_) next = std::min(next, last_bookmark_ + ctx_.options.bookmark_interval);
    if (deadline_) next = std::min(next, *deadline_);
    if (auto check = positions_.NextCheck()) next = std::min(next, *check);
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - now);
    return std::max(wait, std::chrono::milliseconds(0));
  }

  bool Idle(httplib::DataSink& sink) {
    Clock::time_point now = Clock::now();
    if (bookmarks_ && now >= last_bookmark_ + ctx_.options.bookmark_interval) {
      last_bookmark_ = now;
      return Write(sink, WatchEncoder::Bookmark(kind_, watch_->Revision()));
    }
    if (now >= last_write_ + ctx_.options.watch_keepalive_interval) return Write(sink, "\n");
    return true;
  }

  bool Write(httplib::DataSink& sink, const std::string& line) {
    if (!sink.write(line.data(), line.size())) return false;
    last_write_ = Clock::now();
    if (line.size() > 1) ctx_.metrics.EventSent();
    return true;
  }

  bool Finish(httplib::DataSink& sink) {
    sink.done();
    return true;
  }

  ServerContext& ctx_;
  Kind kind_;
  std::unique_ptr<store::Watch> watch_;
  bool bookmarks_;
  std::optional<Clock::time_point> deadline_;
  Clock::time_point last_write_;
  Clock::time_point last_bookmark_;
  WatchPositions positions_;  // waiters' positions, filled in and followed
};

}  // namespace

void ServeWatch(const httplib::Request& req, httplib::Response& res, ServerContext& ctx,
                Kind kind) {
  auto request = ParseWatchParams(req.params);
  if (!request.ok()) return SendStatus(res, request.status());
  // A revision the store has not reached would count every coming change as delivered.
  if (const auto& from = request->store_options.from_revision; from && *from > ctx.store.Revision())
    return SendStatus(res, Status::BadRequest("resourceVersion " + std::to_string(*from) +
                                              " is newer than the store's revision " +
                                              std::to_string(ctx.store.Revision())));
  if (ctx.metrics.watchers_open() >= ctx.options.max_watchers) {
    return SendStatus(
        res, Status(api::Code::kTooManyRequests, "TooManyRequests",
                    "labd holds its maximum of " + std::to_string(ctx.options.max_watchers) +
                        " watch streams (--max-watchers)"));
  }
  // Positions are read before the watch opens: a move after this is the watch's to report.
  WatchPositions positions(ctx.store, kind, request->store_options);
  auto watch = ctx.store.WatchKind(kind, request->store_options);
  if (!watch.ok()) return SendStatus(res, watch.status());
  auto stream = std::make_shared<WatchStream>(ctx, kind, std::move(*watch), *request, positions);
  if (!ctx.watches.Add(stream->watch())) {
    return SendStatus(res, Status::Unavailable("labd is shutting down"));
  }
  ctx.metrics.WatchOpened();
  spdlog::debug("watch opened kind={} remote={} watchers={}", api::KindName(kind), req.remote_addr,
                ctx.metrics.watchers_open());
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider(
      kNdjsonType, [stream](size_t, httplib::DataSink& sink) { return stream->Pump(sink); },
      [stream, &ctx](bool) {
        stream->watch()->Cancel();
        ctx.watches.Remove(stream->watch());
        ctx.metrics.WatchClosed();
      });
}

}  // namespace labctl::server
