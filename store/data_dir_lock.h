// DataDirLock: keeps a second labd out of a data dir with an exclusive, non-blocking flock on
// <data_dir>/labd.lock, which also holds the owner's pid so the loser can name it. The kernel
// releases the lock when the process dies, so there is no stale-lock cleanup.
//
// flock locks belong to an open file description: a second Acquire in the same process (new
// fd) conflicts just like another process does. The fd is O_CLOEXEC, so exec'd children do not
// inherit the lock.
#pragma once

#include <memory>
#include <string>

#include "api/status.h"

namespace labctl::store {

class DataDirLock {
 public:
  // Error: `data dir /x is in use by another labd (pid 1234)`.
  static api::Result<std::unique_ptr<DataDirLock>> Acquire(const std::string& data_dir);
  ~DataDirLock();  // releases the lock
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace labctl::store
