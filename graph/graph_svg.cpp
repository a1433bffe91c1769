#include "graph/graph_svg.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <memory>
#include <mutex>

namespace labctl::graph {
namespace {

std::mutex& GraphvizMutex() {
  static std::mutex mu;
  return mu;
}

// Graphviz's messages of the render in progress (guarded by GraphvizMutex).
std::string& Messages() {
  static std::string messages;
  return messages;
}

int CollectMessage(char* text) {
  Messages() += text;
  return 0;
}

// One context for the process: creating it reads the plugin configuration.
GVC_t* Context() {
  static GVC_t* gvc = [] {
    agseterrf(CollectMessage);
    agseterr(AGWARN);
    return gvContext();
  }();
  return gvc;
}

api::Status GraphvizError(const std::string& what) {
  std::string message = Messages();
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return api::Status::Internal("graphviz: " + what + (message.empty() ? "" : ": " + message));
}

}  // namespace

api::Result<std::string> DotToSvg(const std::string& dot) {
  std::lock_guard<std::mutex> lock(GraphvizMutex());
  GVC_t* gvc = Context();
  Messages().clear();
  if (!gvc) return GraphvizError("no context");
  std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> g(agmemread(dot.c_str()), agclose);
  if (!g) return GraphvizError("cannot parse the graph");
  if (gvLayout(gvc, g.get(), "dot") != 0) return GraphvizError("dot layout failed");
  char* data = nullptr;
  unsigned int length = 0;
  int rendered = gvRenderData(gvc, g.get(), "svg", &data, &length);
  std::string svg = rendered == 0 && data ? std::string(data, length) : std::string();
  if (data) gvFreeRenderData(data);
  gvFreeLayout(gvc, g.get());
  if (rendered != 0) return GraphvizError("svg rendering failed");
  return svg;
}

}  // namespace labctl::graph
