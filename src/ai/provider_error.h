// The ways a call to an AI provider can fail, as one typed error, so callers decide on retries,
// the circuit breaker and the job's error code from the kind rather than from message text.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace od::ai {

enum class ProviderErrorKind {
  Network,      // DNS, connect, TLS, connection reset before an answer
  Timeout,      // connect, total or idle (no bytes between chunks) timeout
  RateLimited,  // HTTP 429
  Server,       // HTTP 5xx, or an error object inside a stream
  Rejected,     // HTTP 4xx other than 429: the request itself is wrong; retrying cannot help
  Malformed,    // a body or stream chunk that is not the protocol
  Truncated,    // the stream ended before its [DONE]
  TooLarge,     // the response passed the size bound
  CircuitOpen,  // the breaker refused the call; nothing was sent
  Cancelled,    // the caller asked to stop
  Interrupted,  // the server is shutting down (Provider::interrupt)
};

const char* kind_name(ProviderErrorKind kind);

class ProviderError : public std::runtime_error {
 public:
  ProviderError(ProviderErrorKind kind, const std::string& message, long http_status = 0)
      : std::runtime_error(message), kind_(kind), http_status_(http_status) {}

  ProviderErrorKind kind() const { return kind_; }
  long http_status() const { return http_status_; }
  // What the provider asked for with Retry-After (429/503), 0 when it did not say.
  int64_t retry_after_ms() const { return retry_after_ms_; }
  ProviderError& with_retry_after_ms(int64_t ms) {
    retry_after_ms_ = ms;
    return *this;
  }
  // HTTP requests made before giving up (usage accounting counts them).
  int requests() const { return requests_; }
  ProviderError& with_requests(int requests) {
    requests_ = requests;
    return *this;
  }

  // Whether the failure says something about the provider's health (the breaker counts these);
  // a rejected request or a cancel does not.
  bool counts_against_provider() const;

 private:
  ProviderErrorKind kind_;
  long http_status_;
  int64_t retry_after_ms_ = 0;
  int requests_ = 0;
};

}  // namespace od::ai
