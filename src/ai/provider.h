// The configured AI provider: the chat client behind a circuit breaker. Every call asks the
// breaker first; when it is open the call fails at once with ProviderError(CircuitOpen) and no
// request is sent. Failures that say the provider is unwell (network, timeouts, 429, 5xx, broken
// streams) count towards opening it; a rejected request (4xx) shows the provider is up.
//
// interrupt() ends every call in flight (within about a second) and refuses new ones with
// ProviderError(Interrupted): a draining server gives its jobs back to the queue at once instead
// of waiting out generations that may take minutes.
#pragma once

#include <atomic>
#include <nlohmann/json.hpp>

#include "ai/chat_client.h"
#include "ai/circuit_breaker.h"

namespace od::ai {

class Provider {
 public:
  Provider(ClientOptions client, CircuitBreaker::Options breaker,
           CircuitBreaker::Clock clock = CircuitBreaker::steady_ms);

  ChatResult stream(const ChatRequest& request, const StreamCallbacks& callbacks);
  void interrupt() { interrupted_ = true; }

  const std::string& model() const { return client_.options().model; }
  // {"state": "closed"|"open"|"half_open", "retryInMs": n}, for the capabilities route.
  nlohmann::json breaker_status();
  // While the circuit is open: milliseconds until it lets a probe call through; 0 when calls may
  // go ahead.
  int64_t paused_for_ms() { return breaker_.retry_in_ms(); }

 private:
  ChatClient client_;
  CircuitBreaker breaker_;
  std::atomic<bool> interrupted_{false};
};

}  // namespace od::ai
