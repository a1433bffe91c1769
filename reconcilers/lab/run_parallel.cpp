#include "reconcilers/lab/run_parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace labctl::reconcilers {

void RunParallel(size_t n, int workers, const std::function<void(size_t)>& fn) {
  if (n == 0) return;
  size_t threads = std::min<size_t>(n, std::max(1, workers));
  if (threads == 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
    });
  for (auto& th : pool) th.join();
}

}  // namespace labctl::reconcilers
