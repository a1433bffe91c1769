// Graphviz as a library: lays a DOT graph out with the dot layout and renders it as SVG
// (gvContext/agmemread/gvLayout/gvRenderData). The only translation unit that includes Graphviz's
// headers. Graphviz keeps global state (its parser, error buffer), so renders are serialised
// process-wide; Graphviz's messages go into the returned error, never to stderr.
#pragma once

#include <string>

#include "api/status.h"

namespace labctl::graph {

// The SVG document of `dot`; Internal with Graphviz's message when it cannot parse or lay out.
api::Result<std::string> DotToSvg(const std::string& dot);

}  // namespace labctl::graph
