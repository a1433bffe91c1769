#include "drivers/docker/hijacked_exec.h"

#include <sys/socket.h>

#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>

#include "api/mux_frames.h"
#include "drivers/docker/engine_json.h"

namespace labctl::docker {
namespace {

namespace asio = boost::asio;
using Socket = asio::local::stream_protocol::socket;
using boost::system::error_code;

Status Broken(const std::string& what, const error_code& ec) {
  return Status::Unavailable("docker exec stream: " + what + ": " + ec.message());
}

// The status code and Content-Length of an HTTP answer's header block (-1 when absent).
struct HeaderBlock {
  int status = 0;
  long content_length = -1;
};

HeaderBlock ParseHeaders(const std::string& head) {
  HeaderBlock h;
  sscanf(head.c_str(), "HTTP/%*d.%*d %d", &h.status);
  std::string lower(head.size(), '\0');
  for (size_t i = 0; i < head.size(); ++i) lower[i] = static_cast<char>(tolower(head[i]));
  auto pos = lower.find("\r\ncontent-length:");
  if (pos != std::string::npos) h.content_length = atol(lower.c_str() + pos + 17);
  return h;
}

// The exec's two directions run on different threads: ReadOutput on the exec's, writes on the
// stdin request's. Both are plain blocking recvmsg/sendmsg on one descriptor (Asio's synchronous
// operations; later Boost versions document concurrent synchronous send and receive on one socket
// as safe). Shutdowns go to the descriptor directly, so no Asio state is shared between threads;
// the socket is only closed by the destructor.
class HijackedExec : public ExecSession {
 public:
  explicit HijackedExec(std::string id) : id_(std::move(id)), socket_(io_) {}

  Status Start(const std::string& socket_path, const std::string& api_prefix) {
    error_code ec;
    socket_.connect(asio::local::stream_protocol::endpoint(socket_path), ec);
    if (ec)
      return Status::Unavailable("cannot reach docker engine at " + socket_path + ": " +
                                 ec.message());
    const std::string body = R"({"Detach":false,"Tty":false})";
    const std::string request = "POST " + api_prefix + "/exec/" + id_ +
                                "/start HTTP/1.1\r\nHost: docker\r\n"
                                "Content-Type: application/json\r\nConnection: Upgrade\r\n"
                                "Upgrade: tcp\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body;
    asio::write(socket_, asio::buffer(request), ec);
    if (ec) return Broken("sending the start request", ec);
    return ReadUpgrade();
  }

  const std::string& id() const override { return id_; }

  Status ReadOutput(const OutputCallback& callback) override {
    api::MuxDemuxer demux(callback);
    if (!pending_.empty() && !demux.Feed(pending_)) return Status::Ok();
    pending_.clear();
    std::array<char, 16384> buf;
    for (;;) {
      error_code ec;
      size_t n = socket_.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::eof || aborted_) return Status::Ok();
      if (ec) return Broken("reading output", ec);
      if (!demux.Feed(std::string_view(buf.data(), n))) return Status::Ok();
    }
  }

  Status WriteStdin(std::string_view data) override {
    if (aborted_) return Status::Unavailable("docker exec stream: the exec has ended");
    error_code ec;
    asio::write(socket_, asio::buffer(data.data(), data.size()), ec);
    if (ec) return Broken("writing stdin", ec);
    return Status::Ok();
  }

  Status CloseStdin() override {
    if (::shutdown(socket_.native_handle(), SHUT_WR) != 0 && errno != ENOTCONN)
      return Status::Unavailable("docker exec stream: closing stdin failed");
    return Status::Ok();
  }

  void Abort() override {
    aborted_ = true;
    ::shutdown(socket_.native_handle(), SHUT_RDWR);
  }

 private:
  // Reads the answer's header block: 101 (or 200 from engines that do not say 101) starts the
  // raw stream, anything else is Docker's error answer.
  Status ReadUpgrade() {
    asio::streambuf buf;
    error_code ec;
    size_t head_size = asio::read_until(socket_, buf, "\r\n\r\n", ec);
    if (ec) return Broken("reading the start answer", ec);
    std::string all(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
    HeaderBlock h = ParseHeaders(all.substr(0, head_size));
    pending_ = all.substr(head_size);
    if (h.status == 101 || h.status == 200) return Status::Ok();
    if (h.content_length > static_cast<long>(pending_.size())) {
      std::string rest(static_cast<size_t>(h.content_length) - pending_.size(), '\0');
      asio::read(socket_, asio::buffer(rest), ec);
      pending_ += rest;
    }
    return ErrorStatus(h.status, pending_);
  }

  std::string id_;
  asio::io_context io_;
  Socket socket_;
  std::string pending_;  // output that arrived with the 101 answer
  std::atomic<bool> aborted_{false};
};

}  // namespace

Result<std::unique_ptr<ExecSession>> StartHijackedExec(const std::string& socket_path,
                                                       const std::string& api_prefix,
                                                       const std::string& exec_id) {
  auto exec = std::make_unique<HijackedExec>(exec_id);
  LABCTL_RETURN_IF_ERROR(exec->Start(socket_path, api_prefix));
  return std::unique_ptr<ExecSession>(std::move(exec));
}

}  // namespace labctl::docker
