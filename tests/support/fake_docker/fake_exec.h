// FakeExecSession: the in-memory ExecSession of FakeEngine::ExecAttach, for unit tests of exec
// with stdin. A test-provided handler plays the process: it reads stdin through FakeStdin (which
// blocks like a pipe until data, EOF or Abort) and writes output through the callback; its
// return value is the exit code. Thread-safe like the real one: ReadOutput on one thread,
// WriteStdin/CloseStdin/Abort on others.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/docker/engine.h"

namespace labctl::docker {

// The process's end of its stdin.
class FakeStdin {
 public:
  // The next bytes written (all that is buffered), or nullopt at EOF or after Abort.
  std::optional<std::string> Read();
  // Reads up to and including the next newline (or to EOF); nullopt at EOF with nothing read.
  std::optional<std::string> ReadLine();

 private:
  friend class FakeExecSession;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string buffer_;
  bool closed_ = false;
  bool aborted_ = false;
};

// (container name, cmd, stdin, output) -> exit code.
using AttachedExecHandler =
    std::function<int(const std::string& container, const std::vector<std::string>& cmd,
                      FakeStdin& in, const OutputCallback& out)>;

// `on_exit` records the exit code where ExecInspect finds it.
class FakeExecSession : public ExecSession {
 public:
  FakeExecSession(std::string id, std::string container, std::vector<std::string> cmd,
                  AttachedExecHandler handler, std::function<void(int exit_code)> on_exit);

  const std::string& id() const override { return id_; }
  Status ReadOutput(const OutputCallback& callback) override;
  Status WriteStdin(std::string_view data) override;
  Status CloseStdin() override;
  void Abort() override;

 private:
  std::string id_;
  std::string container_;
  std::vector<std::string> cmd_;
  AttachedExecHandler handler_;
  std::function<void(int)> on_exit_;
  FakeStdin stdin_;
};

// The default handler: `cat` — copies stdin to stdout until EOF, exit code 0.
int FakeCat(const std::string&, const std::vector<std::string>&, FakeStdin& in,
            const OutputCallback& out);

}  // namespace labctl::docker
