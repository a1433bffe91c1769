// Test support: Debian's chromium in headless mode, driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: JSON messages ended by a NUL byte, commands on the browser's fd 3,
// answers and events on its fd 4). One page, attached once; the page keeps running between
// calls, so a test sees the DOM change live, without a reload.
//
// Isolation: a throw-away profile (--user-data-dir, HOME and XDG dirs) under a temp dir; every
// host name resolves to nothing and any proxied request goes to a closed loopback port, so the
// browser reaches nothing but the loopback URLs a test gives it. The browser runs in its own
// process group; the destructor kills that group and any process still naming the temp dir
// (crashpad handlers start their own session), reaps, and removes the temp dir.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "api/status.h"

namespace labctl::testing {

class HeadlessBrowser {
 public:
  struct Options {
    int width = 1280;
    int height = 900;
    std::string log_path;  // chromium's stderr; empty: inside the temp dir
  };
  // The chromium binary: $LABCTL_CHROMIUM, /usr/lib/chromium/chromium, or "" if neither exists.
  static std::string FindChromium();

  explicit HeadlessBrowser(Options options);
  ~HeadlessBrowser();
  HeadlessBrowser(const HeadlessBrowser&) = delete;
  HeadlessBrowser& operator=(const HeadlessBrowser&) = delete;

  // Why the browser is not usable ("" once started and attached to its page).
  const std::string& error() const { return error_; }
  int pid() const { return pid_; }

  // One DevTools command on the page; its "result" object, or the protocol's error.
  api::Result<nlohmann::json> Call(const std::string& method, nlohmann::json params = {},
                                   std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Loads `url` and waits until its document has loaded.
  api::Status Navigate(const std::string& url);
  // Runs a JavaScript expression in the page (promises awaited); its value as JSON.
  api::Result<nlohmann::json> Evaluate(const std::string& expression);
  // Polls `expression` every 100 ms until it is truthy; false after `timeout`. `last` gets the
  // last value (or error) seen, for the failure message.
  bool WaitFor(const std::string& expression, std::chrono::milliseconds timeout,
               std::string* last = nullptr);
  // The uncaught errors and unhandled promise rejections of the current document, as an array.
  nlohmann::json PageErrors();
  // A PNG of the page as shown (the viewport) written to `path`.
  api::Status Screenshot(const std::string& path);

 private:
  api::Status Start();
  api::Status Send(const nlohmann::json& message);
  api::Result<nlohmann::json> Await(int id, std::chrono::milliseconds timeout);
  api::Result<nlohmann::json> Command(const std::string& method, nlohmann::json params,
                                      bool on_page, std::chrono::milliseconds timeout);
  void KillAll();

  Options options_;
  std::string temp_dir_;
  std::string error_;
  std::string session_id_;
  std::string pending_;  // bytes read after the last complete message
  int pid_ = -1;
  int to_browser_ = -1;
  int from_browser_ = -1;
  int next_id_ = 1;
};

}  // namespace labctl::testing
