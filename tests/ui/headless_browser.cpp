#include "ui/headless_browser.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "support/labd_process.h"
#include "support/poll.h"

namespace labctl::testing {
namespace {

using json = nlohmann::json;
using api::Status;
using api::StatusOf;
using SteadyClock = std::chrono::steady_clock;

bool IsExecutable(const std::string& path) {
  return !path.empty() && ::access(path.c_str(), X_OK) == 0;
}

std::string Base64Decode(const std::string& in) {
  std::string out;
  int value = 0, bits = -8;
  for (unsigned char c : in) {
    int d = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+'             ? 62
            : c == '/'             ? 63
                                   : -1;
    if (d < 0) continue;  // padding
    value = (value << 6) | d;
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((value >> bits) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

// Every process whose command line names `needle` (a path unique to one browser).
std::vector<int> ProcessesNaming(const std::string& needle) {
  std::vector<int> pids;
  DIR* proc = ::opendir("/proc");
  if (!proc) return pids;
  while (dirent* entry = ::readdir(proc)) {
    int pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    std::string cmdline = ReadFile("/proc/" + std::string(entry->d_name) + "/cmdline");
    if (cmdline.find(needle) != std::string::npos) pids.push_back(pid);
  }
  ::closedir(proc);
  return pids;
}

// The browser's flags: headless, no sandbox (root in a container), and no way out of loopback.
std::vector<std::string> BrowserArgs(const std::string& binary, const std::string& profile,
                                     int width, int height) {
  return {binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
          "--user-data-dir=" + profile,
          "--window-size=" + std::to_string(width) + "," + std::to_string(height), "--no-first-run",
          "--no-default-browser-check", "--disable-background-networking",
          "--disable-component-update", "--disable-default-apps", "--disable-domain-reliability",
          "--disable-extensions", "--disable-sync", "--disable-breakpad",
          "--metrics-recording-only", "--no-pings",
          "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
          // Loopback bypasses the proxy; anything else would meet a closed port.
          "--proxy-server=127.0.0.1:9", "about:blank"};
}

}  // namespace

std::string HeadlessBrowser::FindChromium() {
  if (const char* env = std::getenv("LABCTL_CHROMIUM"); env && IsExecutable(env)) return env;
  if (IsExecutable("/usr/lib/chromium/chromium")) return "/usr/lib/chromium/chromium";
  return "";
}

HeadlessBrowser::HeadlessBrowser(Options options) : options_(std::move(options)) {
  Status st = Start();
  if (!st.ok()) error_ = st.message();
}

HeadlessBrowser::~HeadlessBrowser() {
  KillAll();
  if (to_browser_ >= 0) ::close(to_browser_);
  if (from_browser_ >= 0) ::close(from_browser_);
  if (!temp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
  }
}

Status HeadlessBrowser::Start() {
  std::string binary = FindChromium();
  if (binary.empty()) {
    return Status::NotFound("chromium not found: apt-get install chromium (scripts/lib.sh)");
  }
  temp_dir_ = MakeTempDir("labctl-browser");
  std::string profile = temp_dir_ + "/profile";
  std::string log = options_.log_path.empty() ? temp_dir_ + "/chromium.log" : options_.log_path;
  std::vector<std::string> args = BrowserArgs(binary, profile, options_.width, options_.height);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int commands[2], answers[2];
  if (::pipe2(commands, O_CLOEXEC) != 0 || ::pipe2(answers, O_CLOEXEC) != 0) {
    return Status::Internal(std::string("pipe: ") + std::strerror(errno));
  }
  pid_ = ::fork();
  if (pid_ < 0) return Status::Internal(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    ::setpgid(0, 0);
    // Out of the way of 3 and 4 first: a pipe end may itself be 3 or 4.
    int in = ::fcntl(commands[0], F_DUPFD, 10), out = ::fcntl(answers[1], F_DUPFD, 10);
    ::dup2(in, 3);
    ::dup2(out, 4);
    int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log_fd >= 0) {
      ::dup2(log_fd, STDOUT_FILENO);
      ::dup2(log_fd, STDERR_FILENO);
    }
    ::setenv("HOME", temp_dir_.c_str(), 1);
    for (const char* xdg : {"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"})
      ::setenv(xdg, temp_dir_.c_str(), 1);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  ::setpgid(pid_, pid_);  // also here: no race with the kill in the destructor
  ::close(commands[0]);
  ::close(answers[1]);
  to_browser_ = commands[1];
  from_browser_ = answers[0];

  auto targets = Command("Target.getTargets", json::object(), false, std::chrono::seconds(60));
  LABCTL_RETURN_IF_ERROR(targets);
  std::string page;
  for (const auto& t : (*targets)["targetInfos"])
    if (t.value("type", "") == "page") page = t.value("targetId", "");
  if (page.empty()) return Status::Internal("chromium has no page target");
  auto attached = Command("Target.attachToTarget", {{"targetId", page}, {"flatten", true}}, false,
                          std::chrono::seconds(30));
  LABCTL_RETURN_IF_ERROR(attached);
  session_id_ = (*attached).value("sessionId", "");
  LABCTL_RETURN_IF_ERROR(Command("Page.enable", json::object(), true, std::chrono::seconds(30)));
  // Every document records its uncaught errors and rejected promises for PageErrors().
  return StatusOf(
      Command("Page.addScriptToEvaluateOnNewDocument",
              {{"source",
                "window.__pageErrors = [];"
                "addEventListener('error', (e) => __pageErrors.push(String(e.message)));"
                "addEventListener('unhandledrejection', "
                "(e) => __pageErrors.push(String(e.reason)));"}},
              true, std::chrono::seconds(30)));
}

void HeadlessBrowser::KillAll() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  // Crashpad handlers leave the group (setsid) but carry the profile's path in their arguments.
  for (int pid : ProcessesNaming(temp_dir_)) ::kill(pid, SIGKILL);
}

Status HeadlessBrowser::Send(const json& message) {
  std::string text = message.dump();
  text.push_back('\0');
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(to_browser_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Unavailable("chromium's command pipe is closed");
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

api::Result<json> HeadlessBrowser::Await(int id, std::chrono::milliseconds timeout) {
  auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    for (size_t end; (end = pending_.find('\0')) != std::string::npos;) {
      json message = json::parse(pending_.substr(0, end), nullptr, false);
      pending_.erase(0, end + 1);
      if (!message.is_object() || message.value("id", -1) != id) continue;  // events, others
      if (message.contains("error")) {
        return Status::BadRequest("devtools: " + message["error"].value("message", "error"));
      }
      return message.value("result", json::object());
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return Status::Unavailable("devtools: no answer in time");
    pollfd pfd{from_browser_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char buf[65536];
    ssize_t n = ::read(from_browser_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Unavailable("chromium exited (see its log)");
    pending_.append(buf, static_cast<size_t>(n));
  }
}

api::Result<json> HeadlessBrowser::Command(const std::string& method, json params, bool on_page,
                                           std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return Status::Unavailable("chromium is not running");
  int id = next_id_++;
  json message = {{"id", id}, {"method", method}, {"params", std::move(params)}};
  if (on_page) message["sessionId"] = session_id_;
  LABCTL_RETURN_IF_ERROR(Send(message));
  return Await(id, timeout);
}

api::Result<json> HeadlessBrowser::Call(const std::string& method, json params,
                                        std::chrono::milliseconds timeout) {
  if (!error_.empty()) return Status::Unavailable(error_);
  return Command(method, params.is_null() ? json::object() : std::move(params), true, timeout);
}

Status HeadlessBrowser::Navigate(const std::string& url) {
  auto navigated = Call("Page.navigate", {{"url", url}});
  LABCTL_RETURN_IF_ERROR(navigated);
  if (navigated->contains("errorText")) {
    return Status::Unavailable("navigate " + url + ": " + (*navigated)["errorText"].dump());
  }
  std::string last;
  if (!WaitFor("document.readyState === 'complete'", std::chrono::seconds(30), &last)) {
    return Status::Unavailable("navigate " + url + ": not loaded: " + last);
  }
  return Status::Ok();
}

api::Result<json> HeadlessBrowser::Evaluate(const std::string& expression) {
  auto result = Call("Runtime.evaluate",
                     {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}});
  LABCTL_RETURN_IF_ERROR(result);
  if (result->contains("exceptionDetails")) {
    const json& details = (*result)["exceptionDetails"];
    std::string text = details.value("text", "exception");
    if (details.contains("exception")) text += ": " + details["exception"].value("description", "");
    return Status::BadRequest("javascript: " + text);
  }
  return (*result)["result"].value("value", json());
}

json HeadlessBrowser::PageErrors() {
  auto errors = Evaluate("window.__pageErrors || []");
  return errors.ok() ? *errors : json::array({errors.status().ToString()});
}

bool HeadlessBrowser::WaitFor(const std::string& expression, std::chrono::milliseconds timeout,
                              std::string* last) {
  return testing::PollUntil(
      [&] {
        auto value = Evaluate(expression);
        if (last) *last = value.ok() ? value->dump() : value.status().ToString();
        return value.ok() && !value->is_null() && *value != false && *value != 0 && *value != "";
      },
      timeout, std::chrono::milliseconds(100));
}

Status HeadlessBrowser::Screenshot(const std::string& path) {
  // The whole page, not only the window: a tall table stays readable in the artifact.
  auto metrics = Call("Page.getLayoutMetrics");
  LABCTL_RETURN_IF_ERROR(metrics);
  const json size = metrics->value("cssContentSize", json::object());
  json clip = {{"x", 0},
               {"y", 0},
               {"width", std::max(size.value("width", 0.0), double(options_.width))},
               {"height", std::max(size.value("height", 0.0), double(options_.height))},
               {"scale", 1}};
  auto shot = Call("Page.captureScreenshot",
                   {{"format", "png"}, {"clip", clip}, {"captureBeyondViewport", true}});
  LABCTL_RETURN_IF_ERROR(shot);
  std::ofstream out(path, std::ios::binary);
  out << Base64Decode(shot->value("data", ""));
  if (!out) return Status::Internal("cannot write " + path);
  return Status::Ok();
}

}  // namespace labctl::testing
