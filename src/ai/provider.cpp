#include "ai/provider.h"

#include "ai/provider_error.h"

namespace od::ai {

Provider::Provider(ClientOptions client, CircuitBreaker::Options breaker,
                   CircuitBreaker::Clock clock)
    : client_(std::move(client)), breaker_(breaker, std::move(clock)) {}

ChatResult Provider::stream(const ChatRequest& request, const StreamCallbacks& callbacks) {
  auto permit = breaker_.allow();
  if (!permit) {
    int64_t seconds = (breaker_.retry_in_ms() + 999) / 1000;
    throw ProviderError(ProviderErrorKind::CircuitOpen,
                        "The AI provider failed repeatedly; calls are paused for about " +
                            std::to_string(seconds) + " s.")
        .with_retry_after_ms(seconds * 1000);
  }
  try {
    ChatResult result = client_.stream(request, callbacks);
    breaker_.record_success(*permit);
    return result;
  } catch (const ProviderError& e) {
    if (e.counts_against_provider()) {
      breaker_.record_failure(*permit);
    } else if (e.kind() == ProviderErrorKind::Rejected) {
      breaker_.record_success(*permit);
    } else {
      breaker_.record_abandoned(*permit);
    }
    throw;
  } catch (...) {
    breaker_.record_abandoned(*permit);
    throw;
  }
}

nlohmann::json Provider::breaker_status() {
  return {{"state", state_name(breaker_.state())}, {"retryInMs", breaker_.retry_in_ms()}};
}

}  // namespace od::ai
