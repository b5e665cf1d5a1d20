// One render per variant at a time: the first request for a variant not stored yet renders it;
// requests for the same variant arriving meanwhile wait for that render and share its result (or
// its error) instead of rendering it again. The number of waiters is bounded, so a burst on one
// slow variant cannot hold every request thread: past the bound, 503 with Retry-After.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "assets/media_store.h"

namespace od::assets {

class RenderFlights {
 public:
  explicit RenderFlights(int max_waiters) : max_waiters_(max_waiters) {}

  // Runs `render` for `key` unless a render of `key` is under way, in which case waits for it
  // and returns its result. Rethrows the render's exception (to the waiters too).
  Variant run(const std::string& key, const std::function<Variant()>& render);
  // Requests waiting for another's render now (metrics, tests).
  int waiting();

 private:
  struct Flight {
    bool done = false;
    std::optional<Variant> result;
    std::exception_ptr error;
  };

  const int max_waiters_;
  std::mutex mutex_;
  std::condition_variable landed_;
  std::map<std::string, std::shared_ptr<Flight>> flights_;
  int waiters_ = 0;
};

}  // namespace od::assets
