#include "assets/render_flights.h"

#include "core/error.h"

namespace od::assets {

Variant RenderFlights::run(const std::string& key, const std::function<Variant()>& render) {
  std::unique_lock lock(mutex_);
  if (auto it = flights_.find(key); it != flights_.end()) {
    if (waiters_ >= max_waiters_) {
      throw unavailable("Too many requests are waiting for variants; try again.", 2);
    }
    std::shared_ptr<Flight> flight = it->second;
    ++waiters_;
    landed_.wait(lock, [&] { return flight->done; });
    --waiters_;
    if (flight->error) std::rethrow_exception(flight->error);
    return *flight->result;
  }
  auto flight = std::make_shared<Flight>();
  flights_[key] = flight;
  lock.unlock();
  std::exception_ptr error;
  std::optional<Variant> result;
  try {
    result = render();
  } catch (...) {
    error = std::current_exception();
  }
  lock.lock();
  flight->result = result;
  flight->error = error;
  flight->done = true;
  flights_.erase(key);
  lock.unlock();
  landed_.notify_all();
  if (error) std::rethrow_exception(error);
  return *result;
}

int RenderFlights::waiting() {
  std::lock_guard lock(mutex_);
  return waiters_;
}

}  // namespace od::assets
