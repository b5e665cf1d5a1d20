#include "http/deferred_slot.h"

namespace od::http {

std::shared_ptr<DeferredResponse> make_deferred() { return std::make_shared<DeferredSlot>(); }

bool DeferredSlot::complete(Response response) {
  std::function<void()> wakeup;
  {
    std::lock_guard lock(mutex_);
    if (completed_) return false;
    completed_ = true;
    response_ = std::move(response);
    // Moved out: after completion the slot keeps no reference to the server's timer, so a holder
    // that outlives the server holds nothing of it.
    wakeup = std::move(wakeup_);
  }
  if (wakeup) wakeup();
  return true;
}

void DeferredSlot::set_wakeup(std::function<void()> wakeup) {
  {
    std::lock_guard lock(mutex_);
    if (!completed_) {
      wakeup_ = std::move(wakeup);
      return;
    }
  }
  wakeup();
}

void DeferredSlot::forget_wakeup() {
  std::lock_guard lock(mutex_);
  wakeup_ = nullptr;
}

std::optional<Response> DeferredSlot::take() {
  std::lock_guard lock(mutex_);
  std::optional<Response> out = std::move(response_);
  response_.reset();
  return out;
}

}  // namespace od::http
