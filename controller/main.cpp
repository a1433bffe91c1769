// labd: wiring only. Parses flags, opens the store, starts the controllers and the API server,
// and on SIGTERM/SIGINT stops accepting requests, stops the controllers and closes the store
// (every acknowledged write is already durable) before exiting 0.
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "api/clock.h"
#include "controller/runtime/controller.h"
#include "controller/runtime/event_recorder.h"
#include "controller/server/api_server.h"
#include "controller/server/auth.h"
#include "controller/server/labd_flags.h"
#include "reconcilers/session_reconciler.h"
#include "store/store.h"

namespace {

using namespace labctl;

#ifndef LABCTL_VERSION
#define LABCTL_VERSION "0.0.0"
#endif
#ifndef LABCTL_GIT_COMMIT
#define LABCTL_GIT_COMMIT ""
#endif

// Blocks the stop signals in every thread (threads inherit the mask), so main can sigwait.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a vanished client must be a failed write, not a dead labd
  return set;
}

void SetUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("labd");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::from_str(level));
}

// The controllers of labd and what they need; started after the store opened.
struct Controllers {
  std::unique_ptr<runtime::EventRecorder> events;
  std::unique_ptr<reconcilers::SessionReconciler> session_reconciler;
  std::unique_ptr<runtime::Controller> sessions;
  // TODO(lead): LabReconciler (reconcilers/lab_reconciler.h) with its runtime::Controller, the
  // Docker client (--docker-host) and LabActions for exec/logs/capture; SessionActions from the
  // sessions engineer (ApiServer::SetSessionActions), and the Neops facade
  // (controller/server/neops_facade.h: MountNeopsFacade(server.raw(), store, server.auth(), ...)
  // before server.Start()). None of these headers existed when this was written.

  void Start(store::Store& store, const server::LabdFlags& flags) {
    const api::Clock& clock = api::SystemClock::Instance();
    events = std::make_unique<runtime::EventRecorder>(store, clock, "labd");
    reconcilers::SessionReconcilerOptions session_options;
    session_options.slots = flags.slots;
    session_options.labd_start = clock.Now();
    session_reconciler = std::make_unique<reconcilers::SessionReconciler>(
        store, clock, events.get(), session_options);
    sessions =
        std::make_unique<runtime::Controller>(store, api::Kind::kSession, *session_reconciler,
                                              runtime::ControllerOptions{.name = "session"});
    sessions->WatchAlso(api::Kind::kLab, reconcilers::SessionReconciler::LabMapper());
    sessions->Start();
  }

  void Stop() {
    if (sessions) sessions->Stop();
  }
};

int Run(const server::LabdFlags& flags) {
  const sigset_t stop_signals = BlockStopSignals();
  SetUpLogging(flags.log_level);

  server::Auth auth;
  if (!flags.tokens_file.empty()) {
    auto loaded = server::Auth::LoadFile(flags.tokens_file);
    if (!loaded.ok()) {
      spdlog::critical("cannot load tokens: {}", loaded.status().message());
      return 1;
    }
    auth = std::move(*loaded);
    spdlog::info("auth enabled tokens={}", auth.token_count());
  } else if (!server::IsLoopbackHost(flags.listen_host)) {
    spdlog::critical(
        "refusing to listen on {} without --tokens: without authentication labd only listens on "
        "loopback (127.0.0.1 or ::1)",
        flags.listen_host);
    return 1;
  }

  store::Options store_options;
  store_options.data_dir = flags.data_dir;
  store_options.max_history = flags.history_limit;
  store_options.synchronous = flags.synchronous;
  auto store = store::Store::Open(store_options);
  if (!store.ok()) {
    spdlog::critical("cannot open store in {}: {}", flags.data_dir, store.status().message());
    return 1;
  }

  server::ServerOptions server_options;
  server_options.host = flags.listen_host;
  server_options.port = flags.listen_port;
  server_options.auth = std::move(auth);
  server_options.max_watchers = flags.max_watchers;
  server_options.bookmark_interval = flags.bookmark_interval;
  server_options.version = LABCTL_VERSION;
  server_options.git_commit = LABCTL_GIT_COMMIT;
  server::ApiServer server(**store, std::move(server_options));
  if (auto st = server.Start(); !st.ok()) {
    spdlog::critical("{}", st.message());
    return 1;
  }

  Controllers controllers;
  controllers.Start(**store, flags);
  server.SetReady(true);
  spdlog::info("labd listening on {}:{} data-dir={} revision={}", flags.listen_host, server.port(),
               flags.data_dir, (*store)->Revision());

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("labd stopping signal={}", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Stop();
  controllers.Stop();
  store->reset();
  spdlog::info("labd stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto flags = labctl::server::ParseLabdFlags(std::vector<std::string>(argv + 1, argv + argc));
  if (!flags.ok()) {
    std::fprintf(stderr, "labd: %s\n\n%s", flags.status().message().c_str(),
                 labctl::server::LabdUsage().c_str());
    return 2;
  }
  if (flags->help) {
    std::fputs(labctl::server::LabdUsage().c_str(), stdout);
    return 0;
  }
  if (flags->version) {
    std::printf("labd %s %s\n", LABCTL_VERSION, LABCTL_GIT_COMMIT);
    return 0;
  }
  return Run(*flags);
}
