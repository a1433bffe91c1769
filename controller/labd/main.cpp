// labd: wiring only. Parses flags, opens the store, starts the controllers and the API server,
// and on SIGTERM/SIGINT stops accepting requests, stops the controllers and closes the store
// (every acknowledged write is already durable) before exiting 0.
#include <malloc.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/clock.h"
#include "api/host_spec.h"
#include "api/yaml.h"
#include "controller/labd/labd_flags.h"
#include "controller/labd/labd_metrics.h"
#include "controller/labd/session_stack.h"
#include "controller/runtime/controller.h"
#include "controller/runtime/event_recorder.h"
#include "controller/server/api_server.h"
#include "controller/server/auth.h"
#include "controller/server/listen_socket.h"
#include "drivers/docker/event_watcher.h"
#include "drivers/docker/http_engine.h"
#include "drivers/docker/naming.h"
#include "reconcilers/host/host_engines.h"
#include "reconcilers/host/host_placer.h"
#include "reconcilers/host/host_reconciler.h"
#include "reconcilers/host/host_routed_provider.h"
#include "reconcilers/host/local_host.h"
#include "reconcilers/lab/lab_reconciler.h"
#include "reconcilers/lab/provider_lab_actions.h"
#include "reconcilers/pool/warm_pool_reconciler.h"
#include "reconcilers/providers/containerlab/clab_provider.h"
#include "reconcilers/providers/docker/docker_provider.h"
#include "reconcilers/providers/docker/lab_network_hook.h"
#include "reconcilers/providers/netlab/netlab_provider.h"
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

// Waits for SIGTERM/SIGINT; meanwhile every 10 s hands freed heap back to the kernel (bursts of
// requests leave it fragmented: 10k creates leave ~65 MB RSS for ~13 MB in use) and every
// 10 min runs `tidy`.
int WaitForStopSignal(const sigset_t& stop_signals, const std::function<void()>& tidy) {
  const timespec tick{10, 0};
  for (int ticks = 1;; ++ticks) {
    int signal_number = sigtimedwait(&stop_signals, nullptr, &tick);
    if (signal_number > 0) return signal_number;
    malloc_trim(0);
    if (ticks % 60 == 0) tidy();
  }
}

void SetUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("labd");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::from_str(level));
}

// What labd runs against one Host's engine (HostConnection::owned): the providers over it and
// its event stream. Members are destroyed in reverse order: the stream stops first.
struct HostStack {
  docker::WatchedContainers ext_containers;  // the containerlab provider's, for the event watcher
  std::unique_ptr<reconcilers::DockerRealisation> docker_provider;
  std::unique_ptr<reconcilers::DockerRealisation> containerlab_provider;
  std::unique_ptr<reconcilers::DockerRealisation> netlab_provider;
  std::unique_ptr<docker::DockerEventWatcher> events;
};

// Labs reconciled at once (each brings up to LabReconcilerOptions::workers nodes up at once).
constexpr int kLabWorkers = 8;

// The controllers of labd and what they need; built after the store opened.
struct Controllers {
  std::unique_ptr<runtime::EventRecorder> events;
  std::unique_ptr<server::SessionStack> sessions;
  std::unique_ptr<reconcilers::NetworkBaselines> baselines;  // for lab reset
  std::unique_ptr<reconcilers::HostEngines> hosts;
  std::unique_ptr<reconcilers::HostPlacer> placer;
  std::map<std::string, std::unique_ptr<reconcilers::HostRoutedProvider>> routed;
  std::unique_ptr<reconcilers::LabReconciler> lab_reconciler;
  std::unique_ptr<reconcilers::ProviderLabActions> lab_actions;
  std::unique_ptr<runtime::Controller> labs;
  std::unique_ptr<reconcilers::HostReconciler> host_reconciler;
  std::unique_ptr<runtime::Controller> host_controller;
  std::unique_ptr<reconcilers::WarmPoolReconciler> pool_reconciler;
  std::unique_ptr<runtime::Controller> pools;

  // The engine client, providers and event stream of one Host (HostEngines' factory).
  std::shared_ptr<reconcilers::HostConnection> Connect(store::Store& store,
                                                       const server::LabdFlags& flags,
                                                       const api::HostSpec& spec) {
    auto connection = std::make_shared<reconcilers::HostConnection>();
    docker::HttpEngineOptions engine_options;
    engine_options.docker_host = spec.endpoint;
    if (spec.tls)
      engine_options.tls = docker::EngineTls{spec.tls->ca, spec.tls->cert, spec.tls->key};
    connection->engine = std::make_unique<docker::HttpEngine>(engine_options);
    docker::DockerEngine& engine = *connection->engine;
    auto stack = std::make_shared<HostStack>();
    reconcilers::DockerRealisationOptions docker_options;
    docker_options.baselines = baselines.get();
    docker_options.instance = flags.instance;
    docker_options.network_hook = reconcilers::MakeLabNetworkHook(store, engine, baselines.get());
    docker_options.reset_lab =
        reconcilers::MakeLabResetStep(engine, baselines.get(), docker_options.network_hook);
    stack->docker_provider = reconcilers::MakeDockerProvider(store, engine, docker_options);
    stack->containerlab_provider =
        reconcilers::MakeContainerlabProvider(store, engine,
                                              {.labs_dir = flags.data_dir + "/labs",
                                               .events = events.get(),
                                               .ext_containers = &stack->ext_containers},
                                              docker_options);
    reconcilers::NetlabProviderOptions netlab_options;
    netlab_options.labs_dir = flags.data_dir + "/labs";
    netlab_options.events = events.get();
    netlab_options.cli.program = flags.netlab;
    netlab_options.cli.home = flags.netlab_home;
    stack->netlab_provider =
        reconcilers::MakeNetlabProvider(store, engine, netlab_options, docker_options);
    connection->providers = {{reconcilers::kDockerProvider, stack->docker_provider.get()},
                             {api::kContainerlabProvider, stack->containerlab_provider.get()},
                             {api::kNetlabProvider, stack->netlab_provider.get()}};
    stack->events = std::make_unique<docker::DockerEventWatcher>(
        engine, flags.instance,
        [this](const std::string& lab) {
          labs->Enqueue(lab);
          labs->EnqueueAfter(lab, docker::kDriftRecheckDelay);
        },
        [this, &store] {
          // At start and after every reconnect: what happened meanwhile is found by re-listing,
          // and leftovers of this instance are swept (it then repeats every few minutes).
          labs->Enqueue(reconcilers::LabReconciler::kOrphanSweepKey);
          for (const auto& lab : store.List(api::Kind::kLab).items) labs->Enqueue(api::Name(lab));
        },
        &stack->ext_containers);
    connection->start = [watcher = stack->events.get()] { watcher->Start(); };
    connection->stop = [watcher = stack->events.get()] { watcher->Stop(); };
    connection->owned = std::move(stack);
    return connection;
  }

  // Registers the session verbs and the Neops facade on `server` (before it starts).
  void Build(store::Store& store, server::ApiServer& server, const server::LabdFlags& flags) {
    const api::Clock& clock = api::SystemClock::Instance();
    events = std::make_unique<runtime::EventRecorder>(store, clock, "labd");
    baselines = std::make_unique<reconcilers::NetworkBaselines>(flags.data_dir + "/netstate");
    hosts = std::make_unique<reconcilers::HostEngines>(
        [this, &store, &flags](const std::string&, const api::HostSpec& spec) {
          return Connect(store, flags, spec);
        });
    placer = std::make_unique<reconcilers::HostPlacer>(store);
    if (auto st = reconcilers::EnsureLocalHost(store, flags.docker_host); !st.ok())
      spdlog::error("host local: {}", st.ToString());

    server::SessionStackOptions session_options;
    session_options.slots = flags.slots;
    session_options.labd_start = clock.Now();
    session_options.neops_facade = flags.neops_facade;
    session_options.neops.labs.files_dir = flags.data_dir + "/labs";
    // Without the Lab controller nothing is placed or probed: sessions wait for slots only.
    if (flags.lab_controller)
      session_options.lab_wait = [this](const std::string& lab,
                                        const std::vector<std::string>& admitted) {
        return placer->WaitReason(lab, admitted);
      };
    sessions = server::SessionStack::Attach(server, store, clock, events.get(), session_options);

    reconcilers::LabProviders providers;
    for (const std::string name :
         {reconcilers::kDockerProvider, api::kContainerlabProvider, api::kNetlabProvider}) {
      routed[name] =
          std::make_unique<reconcilers::HostRoutedProvider>(store, *hosts, *placer, name);
      providers[name] = routed[name].get();
    }
    reconcilers::LabReconcilerOptions lab_options;
    lab_options.orphan_lab_prefix = flags.orphan_lab_prefix;
    lab_options.place = [this](const api::json& lab) { return placer->Place(lab); };
    lab_reconciler = std::make_unique<reconcilers::LabReconciler>(store, providers, clock,
                                                                  events.get(), lab_options);
    lab_actions = std::make_unique<reconcilers::ProviderLabActions>(store, providers);
    server.SetLabActions(lab_actions.get());
    // A bring-up or teardown pass holds its worker for its whole duration (seconds): with two
    // workers, a warm pool's replacement spare and a lab going down made a hand-over wait.
    labs = std::make_unique<runtime::Controller>(
        store, api::Kind::kLab, *lab_reconciler,
        runtime::ControllerOptions{.name = "lab", .workers = kLabWorkers});
    host_reconciler =
        std::make_unique<reconcilers::HostReconciler>(store, *hosts, clock, events.get());
    host_controller = std::make_unique<runtime::Controller>(
        store, api::Kind::kHost, *host_reconciler, runtime::ControllerOptions{.name = "host"});
    host_controller->WatchAlso(api::Kind::kLab, reconcilers::HostReconciler::LabHostMapper());
    reconcilers::WarmPoolReconcilerOptions pool_options;
    pool_options.exclusive = [this](const std::function<void()>& f) {
      sessions->reconciler().RunExclusive(f);
    };
    pool_reconciler =
        std::make_unique<reconcilers::WarmPoolReconciler>(store, events.get(), pool_options);
    pools = std::make_unique<runtime::Controller>(store, api::Kind::kLab, *pool_reconciler,
                                                  runtime::ControllerOptions{.name = "pool"});
    pools->MapPrimary(reconcilers::WarmPoolReconciler::KeyMapper());
  }

  void Start(bool lab_controller) {
    sessions->Start();
    if (!lab_controller) return;
    // The local engine is probed before any lab is placed: on a fresh store its Host has no
    // Ready yet, and labs would report Unschedulable until the Host controller's first probe.
    (void)host_reconciler->Reconcile(api::kLocalHost);
    host_controller->Start();  // connects each Host's engine and starts its event stream
    labs->Start();
    pools->Start();
  }

  // Deletes Events older than an hour and the network baselines of containers that are gone.
  void Tidy() {
    events->Prune();
    const auto listed_at = std::filesystem::file_time_type::clock::now();
    std::set<std::string> live;
    for (const auto& connection : hosts->All()) {
      auto containers = connection->engine->ListContainers(docker::ManagedSelector());
      if (!containers.ok()) return;  // an engine away: nothing is known to be gone
      for (const auto& c : *containers) live.insert(c.id);
    }
    baselines->Prune(live, listed_at);
  }

  void Stop() {
    if (pools) pools->Stop();
    if (host_controller) host_controller->Stop();
    if (hosts) hosts->StopEvents();
    if (labs) labs->Stop();
    if (hosts) hosts->Clear();
    if (sessions) sessions->Stop();
  }
};

// --instance, or the name derived from the data directory's absolute path (symlinks resolved:
// the store just opened it, so it exists).
std::string InstanceName(const server::LabdFlags& flags) {
  if (!flags.instance.empty()) return flags.instance;
  std::error_code ec;
  auto path = std::filesystem::canonical(flags.data_dir, ec);
  if (ec) path = std::filesystem::absolute(flags.data_dir).lexically_normal();
  return docker::InstanceForDataDir(path.string());
}

int Run(server::LabdFlags flags) {
  const sigset_t stop_signals = BlockStopSignals();
  SetUpLogging(flags.log_level);
  // Every connection costs a descriptor: use all the hard limit allows.
  spdlog::info("fd limit {}", server::RaiseFdLimit());

  server::Auth auth;
  if (!flags.tokens_file.empty()) {
    auto loaded = server::Auth::LoadFile(flags.tokens_file);
    if (!loaded.ok()) {
      spdlog::critical("cannot load tokens: {}", loaded.status().message());
      return 1;
    }
    auth = std::move(*loaded);
    spdlog::info("auth enabled tokens={}", auth.token_count());
  }

  store::Options store_options;
  store_options.data_dir = flags.data_dir;
  store_options.max_history = flags.history_limit;
  store_options.max_history_bytes = flags.history_bytes;
  store_options.synchronous = flags.synchronous;
  auto store = store::Store::Open(store_options);
  if (!store.ok()) {
    spdlog::critical("cannot open store in {}: {}", flags.data_dir, store.status().message());
    return 1;
  }

  flags.instance = InstanceName(flags);
  auto collectors = server::AddLabdCollectors(**store, flags.data_dir);

  server::ServerOptions server_options;
  server_options.instance = flags.instance;
  server_options.host = flags.listen_host;
  server_options.port = flags.listen_port;
  server_options.auth = std::move(auth);
  server_options.tls = {flags.tls_cert, flags.tls_key, flags.client_ca};
  server_options.max_watchers = flags.max_watchers;
  server_options.max_long_running = flags.max_streams;
  server_options.max_connections = flags.max_connections;
  server_options.max_connections_per_client = flags.max_client_connections;
  server_options.request_timeout = flags.request_timeout;
  server_options.keep_alive_timeout = flags.idle_timeout;
  server_options.bookmark_interval = flags.bookmark_interval;
  server_options.version = LABCTL_VERSION;
  server_options.git_commit = LABCTL_GIT_COMMIT;
  server::ApiServer server(**store, std::move(server_options));
  Controllers controllers;
  controllers.Build(**store, server, flags);
  if (auto st = server.Start(); !st.ok()) {
    spdlog::critical("{}", st.message());
    return 1;
  }
  controllers.Start(flags.lab_controller);
  server.SetReady(true);
  spdlog::info("labd listening on {}:{} data-dir={} instance={} revision={}", flags.listen_host,
               server.port(), flags.data_dir, flags.instance, (*store)->Revision());

  int signal_number = WaitForStopSignal(stop_signals, [&] { controllers.Tidy(); });
  spdlog::info("labd stopping signal={}", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  api::StopParsing();  // the server's stop waits for its requests: none may sit in a parser
  server.Stop();
  controllers.Stop();
  collectors.clear();
  store->reset();
  spdlog::info("labd stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // One malloc arena per HTTP thread keeps freed request buffers per thread and roughly doubles
  // labd's RSS under load; two arenas keep contention low on this small a process.
  mallopt(M_ARENA_MAX, 2);
  // Freed memory stays in the heap until the 10 s malloc_trim (WaitForStopSignal) rather than
  // going back to the kernel after every request and being faulted in again by the next one
  // (mprotect and page faults were ~5% of labd's CPU per request); blocks up to 4 MiB come from
  // the heap, not a fresh mmap each time.
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
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
