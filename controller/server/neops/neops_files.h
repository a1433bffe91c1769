// NeopsLabFiles: the on-disk directory of a facade lab, <files_dir>/<lab>/, holding the uploaded
// topology and the extra files with their relative directory layout (configs/init.cfg stays
// configs/init.cfg), for the driver that realises the lab (netlab runs in that directory).
//
// Crash-safe: everything is written into a fresh <files_dir>/.tmp-<lab>-XXXXXX (each file and
// directory fsynced), which is then renamed to <files_dir>/<lab> in one step, so a lab directory
// is either complete or absent; a crash leaves only a .tmp- directory, removed by the next sweep.
// Names are validated by ValidateUpload before anything is written; WriteLabFiles re-checks each
// one (api::IsSafeRelativePath) and refuses to write any file if one is bad.
#pragma once

#include <functional>
#include <string>

#include "api/status.h"
#include "controller/server/neops/neops_upload.h"

namespace labctl::server {

// <files_dir>/<lab>
std::string LabFilesDir(const std::string& files_dir, const std::string& lab);

// Writes the topology (under its upload name) and the extra files; replaces an existing
// directory of that lab. BadRequest for an unsafe name (nothing written), Internal on I/O errors.
api::Status WriteLabFiles(const std::string& files_dir, const std::string& lab,
                          const NeopsUpload& upload);

// Removes lab directories whose Lab no longer exists (`lab_exists(name)` false) and leftover
// temporary directories. Errors are logged, not returned.
void SweepLabFiles(const std::string& files_dir,
                   const std::function<bool(const std::string& lab)>& lab_exists);

}  // namespace labctl::server
