#include "cli/session_run.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "cli/cli_common.h"
#include "cli/session_client.h"

namespace labctl::cli {

namespace {

std::atomic<int> g_signal{0};
std::atomic<pid_t> g_child{0};

void OnSignal(int sig) {
  g_signal.store(sig);
  pid_t child = g_child.load();
  if (child > 0) kill(child, sig);
}

void InstallSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: waitpid returns EINTR and we loop
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// Everything the child needs is built before fork: between fork and exec a multi-threaded
// process (the heartbeater runs) may only make async-signal-safe calls.
pid_t Spawn(const std::vector<std::string>& command, const std::string& session,
            const std::string& lab) {
  std::vector<std::string> env_strings = {"LABCTL_SESSION=" + session, "LABCTL_LAB=" + lab};
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    if (entry.rfind("LABCTL_SESSION=", 0) != 0 && entry.rfind("LABCTL_LAB=", 0) != 0)
      env_strings.emplace_back(entry);
  }
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::string exec_failed = "error: cannot run " + command.front() + "\n";

  pid_t pid = fork();
  if (pid != 0) return pid;
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGINT, &dfl, nullptr);
  sigaction(SIGTERM, &dfl, nullptr);
  execvpe(argv[0], argv.data(), envp.data());
  ssize_t ignored = write(STDERR_FILENO, exec_failed.data(), exec_failed.size());
  (void)ignored;
  _exit(127);
}

int WaitChild(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

void Release(client::Client& client, const std::string& name) {
  api::Status released = PostSessionAction(client, name, "release");
  if (!released.ok()) PrintError(released, "session/" + name);
}

}  // namespace

int RunSessionCommand(const CliContext& ctx, const RunOptions& options) {
  InstallSignalHandlers();
  auto client = ctx.NewClient();
  auto name = CreateSession(*client, {options.lab, options.holder});
  if (!name.ok()) {
    PrintError(name.status(), "session");
    return kExitError;
  }
  if (ctx.stderr_is_tty) std::fprintf(stderr, "session/%s created\n", name->c_str());
  std::atomic<bool> lost{false};
  Heartbeater heartbeater(ctx.options, *name, options.heartbeat, [&](const api::Status& s) {
    lost = true;
    std::fprintf(stderr, "labctl: session %s lost: %s\n", name->c_str(), s.message().c_str());
    pid_t child = g_child.load();
    if (child > 0) kill(child, SIGTERM);
  });
  WaitOptions wait;
  wait.need_lab_ready = !options.lab.empty();
  wait.deadline = std::chrono::steady_clock::now() + options.timeout;
  wait.show_progress = ctx.stderr_is_tty;
  wait.interrupted = &g_signal;
  std::string lab = options.lab;  // or the spare of its warm pool the session was handed
  wait.lab = &lab;
  api::Status active = WaitUntilActive(*client, *name, wait);
  if (!active.ok()) {
    heartbeater.Stop();
    Release(*client, *name);
    PrintError(active, "session/" + *name);
    return g_signal.load() ? 128 + g_signal.load() : kExitError;
  }
  pid_t pid = Spawn(options.command, *name, lab);
  if (pid < 0) {
    heartbeater.Stop();
    Release(*client, *name);
    std::fprintf(stderr, "error: fork: %s\n", std::strerror(errno));
    return kExitError;
  }
  g_child.store(pid);
  if (g_signal.load()) kill(pid, g_signal.load());  // a signal that raced the spawn
  int code = WaitChild(pid);
  g_child.store(0);
  heartbeater.Stop();
  Release(*client, *name);
  return code;
}

}  // namespace labctl::cli
