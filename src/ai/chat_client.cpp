#include "ai/chat_client.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <exception>
#include <optional>
#include <random>
#include <thread>

#include "ai/provider_error.h"
#include "ai/sse_parser.h"
#include "auth/curl_handle.h"
#include "core/log.h"

namespace od::ai {
namespace {

using Kind = ProviderErrorKind;

constexpr int64_t kPollEveryMs = 200;  // keep_going is asked at most this often
constexpr size_t kMaxErrorBody = 64 * 1024;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool iequals_prefix(std::string_view line, std::string_view prefix) {
  if (line.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != prefix[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// One HTTP exchange. libcurl calls back into it; a callback that wants the transfer stopped
// records why in `failure` (or `callback_error` for the caller's own exceptions) and returns the
// abort value, and attempt() throws that after curl_easy_perform returns.
struct Transfer {
  const ClientOptions* options;
  const StreamCallbacks* callbacks;
  bool stream = false;
  CURL* curl = nullptr;

  int64_t last_byte_at = 0;
  int64_t last_poll_at = 0;
  size_t received = 0;
  long status = 0;
  bool sse = false;  // the answer is an event stream (a 200 with text/event-stream)
  std::string content_type;
  std::string retry_after;
  std::string body;  // a whole answer: a completion or an error
  std::optional<SseParser> parser;
  bool done = false;  // [DONE] seen
  bool delivered = false;
  ChatResult result;
  std::optional<ProviderError> failure;
  std::exception_ptr callback_error;

  void deliver(std::string_view text) {
    if (text.empty()) return;
    result.content.append(text);
    delivered = true;
    if (callbacks->on_delta) callbacks->on_delta(text);
  }

  void take(const ChatPiece& piece) {
    if (!piece.model.empty()) result.model = piece.model;
    if (!piece.finish_reason.empty()) result.finish_reason = piece.finish_reason;
    if (piece.usage) {
      result.usage = *piece.usage;
      result.usage_reported = true;
    }
    deliver(piece.content);
  }

  void on_event(const std::string& data) {
    if (done) return;  // nothing counts after [DONE]
    if (data == "[DONE]") {
      done = true;
      return;
    }
    take(parse_chunk(data));
  }

  // Decides, at the first body byte, whether this is an event stream to parse as it arrives.
  void start_body() {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    sse = stream && status == 200 && content_type.find("text/event-stream") != std::string::npos;
    if (sse) parser.emplace([this](const std::string& data) { on_event(data); });
  }

  size_t write(const char* data, size_t bytes) {
    last_byte_at = steady_ms();
    if (received == 0) start_body();
    received += bytes;
    if (status != 200) {
      // An error body is only read for its message: keep its start, drop the rest.
      if (body.size() < kMaxErrorBody) {
        body.append(data, std::min(bytes, kMaxErrorBody - body.size()));
      }
      return bytes;
    }
    if (received > options->max_response_bytes) {
      failure =
          ProviderError(Kind::TooLarge, "the provider's answer exceeds " +
                                            std::to_string(options->max_response_bytes) + " bytes");
      return 0;
    }
    try {
      if (sse) {
        parser->feed(std::string_view(data, bytes));
      } else {
        body.append(data, bytes);
      }
    } catch (const ProviderError& e) {
      failure = e;
      return 0;
    } catch (...) {
      callback_error = std::current_exception();
      return 0;
    }
    return bytes;
  }

  void header(std::string_view line) {
    if (line.rfind("HTTP/", 0) == 0) {  // a new response (after 100 Continue): start over
      content_type.clear();
      retry_after.clear();
    } else if (iequals_prefix(line, "content-type:")) {
      content_type = trim(line.substr(13));
    } else if (iequals_prefix(line, "retry-after:")) {
      retry_after = trim(line.substr(12));
    }
  }

  // False stops the transfer.
  bool tick() {
    int64_t now = steady_ms();
    if (now - last_byte_at > options->idle_timeout_ms) {
      failure = ProviderError(Kind::Timeout, "the provider sent nothing for " +
                                                 std::to_string(options->idle_timeout_ms) + " ms");
      return false;
    }
    if (callbacks->keep_going && now - last_poll_at >= kPollEveryMs) {
      last_poll_at = now;
      try {
        if (!callbacks->keep_going()) {
          failure = ProviderError(Kind::Cancelled, "the call was cancelled");
          return false;
        }
      } catch (...) {
        callback_error = std::current_exception();
        return false;
      }
    }
    return true;
  }
};

size_t on_write(char* data, size_t size, size_t count, void* user) {
  return static_cast<Transfer*>(user)->write(data, size * count);
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  static_cast<Transfer*>(user)->header(std::string_view(data, size * count));
  return size * count;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Transfer*>(user)->tick() ? 0 : 1;
}

ProviderError status_error(const Transfer& t) {
  std::string message =
      "the provider answered HTTP " + std::to_string(t.status) + ": " + error_message(t.body);
  int64_t retry_after = parse_retry_after_ms(t.retry_after, std::time(nullptr));
  if (t.status == 429) {
    return ProviderError(Kind::RateLimited, message, t.status).with_retry_after_ms(retry_after);
  }
  if (t.status >= 500) {
    return ProviderError(Kind::Server, message, t.status).with_retry_after_ms(retry_after);
  }
  if (t.status == 408) return ProviderError(Kind::Timeout, message, t.status);
  if (t.status >= 400) return ProviderError(Kind::Rejected, message, t.status);
  return ProviderError(Kind::Malformed, message, t.status);
}

// Truncated is retried only when nothing was delivered (call() checks): a stream that broke
// before its first text is as good as a dropped connection.
bool retryable(Kind kind) {
  return kind == Kind::Network || kind == Kind::RateLimited || kind == Kind::Server ||
         kind == Kind::Truncated;
}

// One easy handle per thread, reset between calls: its connection cache keeps the TCP (and TLS)
// connection to the provider open across calls, which saves a handshake per job.
CURL* thread_handle() {
  thread_local auth::CurlEasy handle;
  if (!handle) {
    handle = auth::make_curl();
  } else {
    curl_easy_reset(handle.get());
    curl_easy_setopt(handle.get(), CURLOPT_NOSIGNAL, 1L);  // reset cleared make_curl's setting
  }
  return handle.get();
}

double jitter() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.8, 1.2)(engine);
}

}  // namespace

int64_t parse_retry_after_ms(std::string_view value, int64_t now_unix_seconds) {
  value = trim(value);
  if (value.empty()) return 0;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return int64_t{999'999'999} * 1000;  // absurd: longer than any bound
    return std::stoll(std::string(value)) * 1000;
  }
  time_t at = curl_getdate(std::string(value).c_str(), nullptr);
  if (at < 0) return 0;
  return std::max<int64_t>(0, (static_cast<int64_t>(at) - now_unix_seconds) * 1000);
}

namespace {
// "http://host/v1/" and "http://host/v1" name the same API.
ClientOptions normalised(ClientOptions options) {
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  return options;
}
}  // namespace

ChatClient::ChatClient(ClientOptions options) : options_(normalised(std::move(options))) {}

ChatResult ChatClient::complete(const ChatRequest& request,
                                const std::function<bool()>& keep_going) {
  return call(request, false, StreamCallbacks{nullptr, keep_going});
}

ChatResult ChatClient::stream(const ChatRequest& request, const StreamCallbacks& callbacks) {
  return call(request, true, callbacks);
}

ChatResult ChatClient::call(const ChatRequest& request, bool stream,
                            const StreamCallbacks& callbacks) {
  std::string body = chat_request_body(options_.model, request, stream).dump();
  int max_attempts = std::max(1, options_.max_attempts);
  for (int attempt_no = 1;; ++attempt_no) {
    bool delivered = false;
    try {
      ChatResult result = attempt(body, stream, callbacks, delivered);
      result.requests = attempt_no;
      if (result.model.empty()) result.model = options_.model;
      return result;
    } catch (ProviderError& e) {
      e.with_requests(attempt_no);
      if (!retryable(e.kind()) || delivered || attempt_no >= max_attempts) throw;
      int64_t wait =
          e.retry_after_ms() > 0
              ? e.retry_after_ms()
              : static_cast<int64_t>(static_cast<double>(options_.backoff_ms << (attempt_no - 1)) *
                                     jitter());
      if (wait > options_.max_retry_wait_ms) throw;
      log::warn("AI provider call failed; retrying", {{"kind", kind_name(e.kind())},
                                                      {"status", e.http_status()},
                                                      {"attempt", attempt_no},
                                                      {"waitMs", wait},
                                                      {"error", e.what()}});
      wait_before_retry(wait, callbacks);
    }
  }
}

void ChatClient::wait_before_retry(int64_t ms, const StreamCallbacks& callbacks) {
  int64_t until = steady_ms() + ms;
  for (int64_t now = steady_ms(); now < until; now = steady_ms()) {
    if (callbacks.keep_going && !callbacks.keep_going()) {
      throw ProviderError(Kind::Cancelled, "the call was cancelled");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(until - now, 100)));
  }
}

ChatResult ChatClient::attempt(const std::string& body, bool stream,
                               const StreamCallbacks& callbacks, bool& delivered) {
  CURL* h = thread_handle();
  Transfer t;
  t.options = &options_;
  t.callbacks = &callbacks;
  t.stream = stream;
  t.curl = h;
  t.last_byte_at = t.last_poll_at = steady_ms();

  auth::CurlList headers;
  auth::curl_list_append(headers, "Content-Type: application/json");
  auth::curl_list_append(headers,
                         stream ? "Accept: text/event-stream" : "Accept: application/json");
  if (!options_.api_key.empty()) {
    auth::curl_list_append(headers, "Authorization: Bearer " + options_.api_key);
  }
  std::string url = options_.base_url + "/chat/completions";
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout_ms));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);

  CURLcode rc = curl_easy_perform(h);
  delivered = t.delivered;
  if (t.callback_error) std::rethrow_exception(t.callback_error);
  if (t.failure) throw *t.failure;
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    throw ProviderError(Kind::Timeout, "no complete answer from the provider within " +
                                           std::to_string(options_.total_timeout_ms) + " ms");
  }
  if (rc != CURLE_OK) {
    std::string message = std::string("the provider connection failed: ") + curl_easy_strerror(rc);
    if (t.sse && t.received > 0) throw ProviderError(Kind::Truncated, message);
    throw ProviderError(Kind::Network, message);
  }
  if (t.received == 0) t.start_body();
  if (t.status != 200) throw status_error(t);
  if (t.sse) {
    if (!t.done) {
      throw ProviderError(Kind::Truncated, "the provider's stream ended before [DONE]", 200);
    }
    return std::move(t.result);
  }
  // A whole completion: asked for, or sent by a server that ignores `stream`.
  t.take(parse_completion(t.body));
  delivered = t.delivered;
  return std::move(t.result);
}

}  // namespace od::ai
