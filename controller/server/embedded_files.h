// Files compiled into labd at build time (cmake/labctl.cmake labctl_embed_files): the
// dashboard's HTML, CSS and JavaScript, served without reading the disk.
#pragma once

#include <span>
#include <string_view>

namespace labctl::server {

struct EmbeddedFile {
  std::string_view name;   // path relative to the embedded folder, e.g. "app.js"
  std::string_view bytes;  // the file's content
};

// controller/server/ui/assets/*, generated into the build directory.
std::span<const EmbeddedFile> UiAssetFiles();

}  // namespace labctl::server
