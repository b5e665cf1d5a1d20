// The DeferredResponse the server waits for (make_deferred() returns one): the completing thread
// stores the response and runs the server's wake-up, which only schedules the connection's
// coroutine; the coroutine then takes the response on its own strand.
#pragma once

#include <functional>
#include <mutex>
#include <optional>

#include "http/message.h"

namespace od::http {

class DeferredSlot : public DeferredResponse {
 public:
  bool complete(Response response) override;

  // Server side. `wakeup` runs once, on the completing thread (or at once when the response is
  // already there); it must only schedule work.
  void set_wakeup(std::function<void()> wakeup);
  // The completed response, once; nullopt while it is still awaited.
  std::optional<Response> take();
  // Drops the wake-up without running it: the waiting connection is gone (its coroutine ended or
  // was destroyed with the server), so a late complete() must not touch the server's executor.
  void forget_wakeup();

 private:
  std::mutex mutex_;
  bool completed_ = false;
  std::optional<Response> response_;
  std::function<void()> wakeup_;
};

}  // namespace od::http
