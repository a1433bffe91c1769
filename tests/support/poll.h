// PollUntil: the one way tests wait for an outcome. Tests wait for conditions, never for fixed
// durations: `done` is re-checked every `interval` until it holds or `timeout` passes.
#pragma once

#include <chrono>
#include <functional>

namespace labctl::testing {

// How long a test waits for something that should happen promptly (generous: the machine is
// shared and slow at times; a pass never waits for it).
inline constexpr std::chrono::seconds kPatience{30};

// True as soon as `done()` holds; false if it still does not after `timeout`. `done` is called
// at least once (also with a zero timeout).
bool PollUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = kPatience,
               std::chrono::milliseconds interval = std::chrono::milliseconds(10));

}  // namespace labctl::testing
