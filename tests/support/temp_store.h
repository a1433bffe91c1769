// Temporary state for tests: TempDir, a fresh directory removed with everything in it when the
// TempDir goes, and TempStore, a real Store (SQLite file) on its own TempDir. The one fixture
// for tests that need a store; tests that reopen a store on the same directory use TempDir.
#pragma once

#include <memory>
#include <string>

#include "api/clock.h"
#include "store/store.h"

namespace labctl::testing {

class TempDir {
 public:
  // $TMPDIR (or /tmp)/prefix-XXXXXX.
  explicit TempDir(const std::string& prefix = "labctl-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class TempStore {
 public:
  struct Options {
    std::string prefix = "labctl-store";
    const api::Clock* clock = nullptr;  // nullptr: the system clock
  };
  TempStore() : TempStore(Options{}) {}
  explicit TempStore(Options options);  // the test fails (ADD_FAILURE) if the store cannot open
  ~TempStore();                         // closes the store, then removes the directory
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;

  store::Store& operator*() { return *store_; }
  store::Store* operator->() { return store_.get(); }
  store::Store& get() { return *store_; }
  const std::string& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace labctl::testing
