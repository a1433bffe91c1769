// NeopsUpload: what a Neops client sends to POST /lab (a topology file, extra files with their
// relative paths, the reuse flag), its validation, its identity, and the Lab object it becomes.
//
// Names are checked before anything is stored or written: the topology must be *.yml/*.yaml
// (any case); its name and the extra file names must be relative paths of plain components
// (api::IsSafeRelativePath: no leading '/', no '.' or '..' component, no backslash, no empty
// component, no NUL) so they can never escape the lab's directory. A topology that is a labctl Lab
// manifest (apiVersion labctl.dev/..., kind Lab) becomes a docker Lab with that spec; anything else
// is a netlab topology (provider netlab). Extra files are kept, with their relative paths, in the
// annotation labctl.dev/netlab-files (a JSON object path -> content) because spec.netlab.files only
// takes plain names, and written to disk with that layout by neops_files.h.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "api/lab_spec.h"
#include "api/object.h"
#include "api/status.h"

namespace labctl::server {

inline constexpr char kFacadeLabel[] = "labctl.dev/facade";
inline constexpr char kFacadeValue[] = "neops";
inline constexpr char kContentHashAnnotation[] = "labctl.dev/content-sha256";
inline constexpr const char* kTopologyNameAnnotation = api::kNetlabTopologyFileAnnotation;
inline constexpr const char* kExtraFilesAnnotation = api::kNetlabFilesAnnotation;

struct NeopsUpload {
  std::string topology_name;
  std::string topology;
  std::map<std::string, std::string> extra_files;  // relative path -> content
  bool reuse = true;
};

// BadRequest naming the offending file, or OK.
api::Status ValidateUpload(const NeopsUpload& upload);
// The topology's identity as Neops has it: SHA-256 of its content alone, hex. Extra files are
// not part of it: a client re-acquiring the running topology without re-sending them (or with
// other ones) gets the running lab, whose files are those of the upload that created it.
std::string UploadHash(const NeopsUpload& upload);
// The Lab the upload becomes, named `name`, labelled as a facade lab; validated. BadRequest if
// the topology is not YAML, Invalid if a Lab manifest does not validate.
api::Result<api::json> LabFromUpload(const NeopsUpload& upload, const std::string& name,
                                     int idle_timeout_seconds);

}  // namespace labctl::server
