// netlab's bookkeeping of a lab outside its containers: the files `netlab create` writes into
// the lab directory, and the lab's entry in netlab's status file (~/.netlab/status.yaml).
//
// `netlab down --cleanup` removes both; labctl tears labs down itself, so it needs the same
// clean-up without netlab's provider calls. The status file is shared by every netlab lab of
// the user: entries are keyed by the multilab id (or "default"), and netlab changes it under a
// lock on "<file>.lock" (the filelock package: flock(2) on that file). Edits here take the same
// lock, touch only the one entry's lines, leave every other entry byte for byte, and replace the
// file atomically (rename), so concurrent netlab commands neither block forever nor read half a
// file. An entry written by RecordLabStarted is what `netlab up` leaves (status "started", the
// lab directory, provider clab), so `netlab status` in that directory shows the lab.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "api/status.h"
#include "drivers/netlab/netlab_cli.h"

namespace labctl::netlab {

// What `netlab create -p clab` writes and `netlab down --cleanup` removes (netlab 26.03: the
// clab provider's, Ansible's and the configs' clean-up lists, the snapshots, netlab.lock).
const std::vector<std::string>& DefaultGeneratedFiles();
// The same list as the netlab in `dir` defines it (`netlab inspect`), falling back to nothing.
api::Result<std::vector<std::string>> QueryGeneratedFiles(const NetlabCli& cli,
                                                          const std::string& dir);
// Removes `names` (plain names relative to `dir`: no '/', not "." or "..") from `dir`,
// recursively for folders, without following symbolic links. Missing names are fine.
api::Status RemoveGeneratedFiles(const std::string& dir, const std::vector<std::string>& names);

// "<home>/.netlab/status.yaml".
std::string StatusFilePath(const std::string& home);
// netlab's lab id: the multilab id, or "default".
std::string LabId(std::optional<int> multilab_id);

// Records the lab as `netlab up` leaves it: status "started", `dir` (made canonical, as netlab
// compares it with its working directory), lab name, provider clab. Replaces an existing entry.
api::Status RecordLabStarted(
    const std::string& status_file, const std::string& lab_id, const std::string& dir,
    const std::string& lab_name,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
// Removes the lab's entry (none is fine).
api::Status RemoveLabStatus(const std::string& status_file, const std::string& lab_id);
// Lab ids with an entry, in file order.
api::Result<std::vector<std::string>> StatusLabIds(const std::string& status_file);

}  // namespace labctl::netlab
