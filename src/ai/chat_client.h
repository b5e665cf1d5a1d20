// A client for OpenAI-compatible chat-completions APIs (OpenAI, Ollama, vLLM, the llama.cpp
// server) over libcurl: POST {base_url}/chat/completions, whole or streamed (SSE).
//
// Bounded in every direction: a connect timeout, a total timeout, an idle timeout (no byte for
// that long, also between stream chunks), a cap on response bytes, and a bounded number of
// attempts. Network errors (also a stream cut before its first text), 429 and 5xx are retried
// with exponential backoff (jittered), or after
// the provider's Retry-After when it gives one; a Retry-After longer than max_retry_wait_ms ends
// the call instead of parking the thread. A streamed call is retried only while nothing has been
// delivered yet, so a caller never sees the same text twice. Timeouts are not retried: a hanging
// provider would otherwise hold the caller for attempts x timeout.
//
// Calls block; run them on worker threads, never on network threads. Failures are ProviderError.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "ai/chat_protocol.h"

namespace od::ai {

struct ClientOptions {
  std::string base_url;  // e.g. https://api.openai.com/v1 or http://localhost:11434/v1
  std::string api_key;   // sent as a Bearer token when set
  std::string model;
  int64_t connect_timeout_ms = 10'000;
  int64_t total_timeout_ms = 120'000;
  int64_t idle_timeout_ms = 30'000;
  int max_attempts = 3;
  int64_t backoff_ms = 500;  // before the first retry; doubles each time
  int64_t max_retry_wait_ms = 30'000;
  size_t max_response_bytes = 8 << 20;
};

struct ChatResult {
  std::string content;
  std::string model;  // as the provider names it; the configured one when it does not say
  std::string finish_reason;
  Usage usage;
  bool usage_reported = false;
  int requests = 0;  // HTTP requests made, retries included
};

struct StreamCallbacks {
  // Each piece of text as it arrives.
  std::function<void(std::string_view delta)> on_delta;
  // Polled while the call runs or waits to retry (several times a second, at least once a second
  // even when no byte arrives); returning false stops the call with ProviderError(Cancelled).
  std::function<bool()> keep_going;
};

class ChatClient {
 public:
  explicit ChatClient(ClientOptions options);

  ChatResult complete(const ChatRequest& request, const std::function<bool()>& keep_going = {});
  ChatResult stream(const ChatRequest& request, const StreamCallbacks& callbacks);

  const ClientOptions& options() const { return options_; }

 private:
  ChatResult call(const ChatRequest& request, bool stream, const StreamCallbacks& callbacks);
  ChatResult attempt(const std::string& body, bool stream, const StreamCallbacks& callbacks,
                     bool& delivered);
  void wait_before_retry(int64_t ms, const StreamCallbacks& callbacks);

  const ClientOptions options_;
};

// Milliseconds a Retry-After value asks for (delta-seconds or an HTTP date), 0 when unreadable.
int64_t parse_retry_after_ms(std::string_view value, int64_t now_unix_seconds);

}  // namespace od::ai
