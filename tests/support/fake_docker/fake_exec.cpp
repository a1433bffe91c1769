#include "tests/support/fake_docker/fake_exec.h"

#include <utility>

namespace labctl::docker {

std::optional<std::string> FakeStdin::Read() {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return !buffer_.empty() || closed_ || aborted_; });
  if (aborted_ || buffer_.empty()) return std::nullopt;
  return std::exchange(buffer_, {});
}

std::optional<std::string> FakeStdin::ReadLine() {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return buffer_.find('\n') != std::string::npos || closed_ || aborted_; });
  if (aborted_ || buffer_.empty()) return std::nullopt;
  size_t end = buffer_.find('\n');
  end = end == std::string::npos ? buffer_.size() : end + 1;
  std::string line = buffer_.substr(0, end);
  buffer_.erase(0, end);
  return line;
}

FakeExecSession::FakeExecSession(std::string id, std::string container,
                                 std::vector<std::string> cmd, AttachedExecHandler handler,
                                 std::function<void(int)> on_exit)
    : id_(std::move(id)),
      container_(std::move(container)),
      cmd_(std::move(cmd)),
      handler_(std::move(handler)),
      on_exit_(std::move(on_exit)) {}

Status FakeExecSession::ReadOutput(const OutputCallback& callback) {
  // After Abort the output goes nowhere, as with a closed connection.
  auto out = [&](int stream, std::string_view d) {
    {
      std::lock_guard<std::mutex> l(stdin_.mu_);
      if (stdin_.aborted_) return false;
    }
    return callback(stream, d);
  };
  on_exit_(handler_(container_, cmd_, stdin_, out));
  return Status::Ok();
}

Status FakeExecSession::WriteStdin(std::string_view data) {
  std::lock_guard<std::mutex> l(stdin_.mu_);
  if (stdin_.aborted_ || stdin_.closed_) return Status::Unavailable("fake exec: stdin is closed");
  stdin_.buffer_.append(data);
  stdin_.cv_.notify_all();
  return Status::Ok();
}

Status FakeExecSession::CloseStdin() {
  std::lock_guard<std::mutex> l(stdin_.mu_);
  stdin_.closed_ = true;
  stdin_.cv_.notify_all();
  return Status::Ok();
}

void FakeExecSession::Abort() {
  std::lock_guard<std::mutex> l(stdin_.mu_);
  stdin_.aborted_ = true;
  stdin_.cv_.notify_all();
}

int FakeCat(const std::string&, const std::vector<std::string>&, FakeStdin& in,
            const OutputCallback& out) {
  while (auto data = in.Read())
    if (!out(1, *data)) break;
  return 0;
}

}  // namespace labctl::docker
