// NetlabInputs: what `netlab create` of one Lab depends on, read from the Lab object — the
// topology (spec.netlab.topology, under the name a Neops upload gave it), its files
// (spec.netlab.files, plain names, and the facade's nested extra files from the annotation
// labctl.dev/netlab-files), and the image overrides (spec.netlab.images) as netlab `-s`
// settings. The inputs hash (with the multilab id and settings) tells whether the files netlab
// generated are still those of these inputs: `netlab create` reruns only when it changes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "api/object.h"
#include "api/status.h"

namespace labctl::reconcilers {

struct NetlabInputs {
  std::string topology_name;                  // relative to the lab directory
  std::string topology;                       // its content
  std::map<std::string, std::string> files;   // relative path -> content
  std::map<std::string, std::string> images;  // netlab device -> local image
};

// Invalid (naming the field) for a missing topology or a path that would leave the directory.
api::Result<NetlabInputs> ReadNetlabInputs(const api::json& lab);

// `defaults.devices.<device>.clab.image=<image>` per image override, in device order.
std::vector<std::string> ImageSettings(const NetlabInputs& inputs);

// SHA-256 (hex) of everything `netlab create` reads from labctl: the inputs, the multilab id
// and the settings. Unambiguous: every part is length-prefixed.
std::string InputsHash(const NetlabInputs& inputs, int multilab_id,
                       const std::vector<std::string>& settings);

// Writes the topology and files into `dir` (created), each only when its content differs.
api::Status WriteNetlabInputs(const std::string& dir, const NetlabInputs& inputs);

}  // namespace labctl::reconcilers
