#include "ai/provider.h"

#include "ai/provider_error.h"

namespace od::ai {

Provider::Provider(ClientOptions client, CircuitBreaker::Options breaker,
                   CircuitBreaker::Clock clock)
    : client_(std::move(client)), breaker_(breaker, std::move(clock)) {}

ChatResult Provider::stream(const ChatRequest& request, const StreamCallbacks& callbacks) {
  auto interrupted = [] {
    return ProviderError(ProviderErrorKind::Interrupted,
                         "The server is shutting down; the job will run again.");
  };
  if (interrupted_) throw interrupted();
  auto permit = breaker_.allow();
  if (!permit) {
    int64_t seconds = (breaker_.retry_in_ms() + 999) / 1000;
    throw ProviderError(ProviderErrorKind::CircuitOpen,
                        "The AI provider failed repeatedly; calls are paused for about " +
                            std::to_string(seconds) + " s.")
        .with_retry_after_ms(seconds * 1000);
  }
  StreamCallbacks watched = callbacks;
  watched.keep_going = [&] {
    return !interrupted_ && (!callbacks.keep_going || callbacks.keep_going());
  };
  try {
    ChatResult result = client_.stream(request, watched);
    breaker_.record_success(*permit);
    return result;
  } catch (const ProviderError& e) {
    if (e.kind() == ProviderErrorKind::Cancelled && interrupted_) {
      breaker_.record_abandoned(*permit);
      throw interrupted().with_requests(e.requests());
    }
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
