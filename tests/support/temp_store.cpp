#include "tests/support/temp_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/labd_process.h"

namespace labctl::testing {

TempDir::TempDir(const std::string& prefix) : path_(MakeTempDir(prefix)) {}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

TempStore::TempStore(Options options) : dir_(options.prefix) {
  store::Options o;
  o.data_dir = dir_.path();
  o.clock = options.clock;
  auto opened = store::Store::Open(o);
  if (!opened.ok()) {
    ADD_FAILURE() << "Store::Open: " << opened.status().ToString();
    return;
  }
  store_ = std::move(opened).value();
}

TempStore::~TempStore() { store_.reset(); }

}  // namespace labctl::testing
