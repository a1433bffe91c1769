#include "controller/labd/session_stack.h"

#include <httplib.h>

namespace labctl::server {

std::unique_ptr<SessionStack> SessionStack::Attach(ApiServer& server, store::Store& store,
                                                   const api::Clock& clock,
                                                   runtime::EventRecorder* events,
                                                   SessionStackOptions options) {
  std::unique_ptr<SessionStack> stack(new SessionStack());
  reconcilers::SessionReconcilerOptions reconciler_options;
  reconciler_options.slots = options.slots;
  reconciler_options.labd_start =
      options.labd_start == api::TimePoint{} ? clock.Now() : options.labd_start;
  reconciler_options.lab_wait = options.lab_wait;
  stack->reconciler_ =
      std::make_unique<reconcilers::SessionReconciler>(store, clock, events, reconciler_options);
  stack->controller_ =
      std::make_unique<runtime::Controller>(store, api::Kind::kSession, *stack->reconciler_,
                                            runtime::ControllerOptions{.name = "session"});
  // Changes the queue planned inline (a create, a release) wake no controller thread; the
  // reconciler asks for the run it still needs (SessionReconciler::NeedsRun).
  reconcilers::SessionReconciler* reconciler = stack->reconciler_.get();
  runtime::Controller* controller = stack->controller_.get();
  stack->controller_->MapPrimary(
      reconcilers::SessionReconciler::QueueMapper(),
      [reconciler](const store::WatchEvent& event) { return reconciler->NeedsRun(event); });
  reconciler->SetFollowUp([controller](std::chrono::milliseconds delay) {
    controller->EnqueueAfter(reconcilers::SessionReconciler::kQueueKey, delay);
  });
  stack->controller_->WatchAlso(api::Kind::kLab, reconcilers::SessionReconciler::QueueMapper());
  // A Host's room or readiness decides whether the head of the queue may go (docs/hosts.md).
  if (reconciler_options.lab_wait)
    stack->controller_->WatchAlso(api::Kind::kHost, reconcilers::SessionReconciler::QueueMapper());

  stack->actions_ =
      std::make_unique<reconcilers::SessionActions>(store, clock, stack->reconciler_.get(), events);
  stack->server_actions_ = std::make_unique<SessionActionsImpl>(*stack->actions_);
  server.SetSessionActions(stack->server_actions_.get());

  if (options.neops_facade) {
    if (!options.neops.clock) options.neops.clock = &clock;
    for (const auto& path : NeopsPublicPaths(options.neops.prefix)) server.AddPublicPath(path);
    server.AddLongRunningRoute("POST", NeopsBringUpPath(options.neops.prefix));
    server.SetForeignErrorBody(
        [prefix = options.neops.prefix](const std::string& path, int status) {
          return NeopsErrorBody(prefix, path, status);
        });
    stack->neops_ =
        MountNeopsFacade(server.raw(), store, *stack->actions_, server.auth(), options.neops);
  }
  return stack;
}

SessionStack::~SessionStack() { Stop(); }

void SessionStack::Start() { controller_->Start(); }

void SessionStack::Stop() {
  if (controller_) controller_->Stop();
}

}  // namespace labctl::server
