// RunParallel: a small bounded parallel-for — the Lab reconciler brings independent nodes up at
// once, and the Docker realisation removes containers at once, each with a cap on threads.
#pragma once

#include <cstddef>
#include <functional>

namespace labctl::reconcilers {

// Calls fn(0..n-1) on at most `workers` threads and returns when all are done.
void RunParallel(size_t n, int workers, const std::function<void(size_t)>& fn);

}  // namespace labctl::reconcilers
