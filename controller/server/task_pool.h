// Internal: the thread pool behind cpp-httplib's server. cpp-httplib runs each connection (and so
// each watch stream) on one pool thread for its whole life; its own ThreadPool starts all threads
// up front. This one starts threads on demand, when no thread is idle, up to `max_threads`, and
// keeps them; beyond that, connections wait in the queue. shutdown() joins every thread.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace labctl::server {

class ElasticTaskPool : public httplib::TaskQueue {
 public:
  explicit ElasticTaskPool(size_t max_threads) : max_threads_(max_threads) {}
  ~ElasticTaskPool() override;
  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

 private:
  void Work();

  const size_t max_threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool shutdown_ = false;
};

}  // namespace labctl::server
