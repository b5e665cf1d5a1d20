// The real chat client (libcurl) against tests/support/fake-openai.mjs, a local server speaking
// the OpenAI HTTP + SSE protocol with scripted failures: streaming, whole completions, retries
// on 429 (Retry-After) and 500, rejected requests, hangs (idle timeout), malformed chunks,
// truncated streams, the size bound, cancellation, and the circuit breaker in front of it all.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "ai/chat_client.h"
#include "ai/provider.h"
#include "ai/provider_error.h"
#include "auth/http_client.h"

extern char** environ;

namespace od::ai {
namespace {

using Kind = ProviderErrorKind;

// The fake provider as a child process (`node fake-openai.mjs`): it prints its URL, and exits
// when our end of its stdin closes, so a crashed test run leaves nothing behind.
class FakeOpenAI {
 public:
  FakeOpenAI() {
    int out[2], in[2];
    if (pipe(out) != 0 || pipe(in) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, in[1]);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::string script = std::string(OD_SOURCE_DIR) + "/tests/support/fake-openai.mjs";
    char* argv[] = {const_cast<char*>("node"), script.data(), nullptr};
    if (posix_spawnp(&pid_, "node", &actions, nullptr, argv, environ) != 0) {
      throw std::runtime_error("cannot start node");
    }
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
    close(out[0]);
    auto info = nlohmann::json::parse(line, nullptr, false);
    if (!info.is_object()) throw std::runtime_error("fake provider did not start: " + line);
    url_ = info["url"];
    control_ = url_.substr(0, url_.size() - 3);  // without "/v1"
  }
  ~FakeOpenAI() {
    close(stdin_);
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }

  const std::string& url() const { return url_; }
  void script(const nlohmann::json& steps) { post("/__script", {{"steps", steps}}); }
  void reset() { post("/__reset", nlohmann::json::object()); }
  nlohmann::json requests() {
    auth::HttpRequest request;
    request.url = control_ + "/__requests";
    return nlohmann::json::parse(auth::http_fetch(request).body);
  }

 private:
  void post(const std::string& path, const nlohmann::json& body) {
    auth::HttpRequest request;
    request.method = "POST";
    request.url = control_ + path;
    request.headers = {"Content-Type: application/json"};
    request.body = body.dump();
    if (auth::http_fetch(request).status != 200) throw std::runtime_error("fake control failed");
  }

  pid_t pid_ = 0;
  int stdin_ = -1;
  std::string url_;
  std::string control_;
};

class ChatClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fake_ = new FakeOpenAI(); }
  static void TearDownTestSuite() {
    delete fake_;
    fake_ = nullptr;
  }
  void SetUp() override { fake_->reset(); }

  ClientOptions options() {
    ClientOptions o;
    o.base_url = fake_->url() + "/";  // a trailing slash is tolerated
    o.api_key = "sk-test";
    o.model = "fake-model";
    o.idle_timeout_ms = 1000;
    o.total_timeout_ms = 10000;
    o.backoff_ms = 50;
    return o;
  }

  static ChatRequest hello() {
    ChatRequest request;
    request.messages = {{"user", "Say hello"}};
    return request;
  }

  // The kind of ProviderError `call` throws (and how many requests it made).
  static std::pair<Kind, int> failure(const std::function<void()>& call) {
    try {
      call();
    } catch (const ProviderError& e) {
      return {e.kind(), e.requests()};
    }
    ADD_FAILURE() << "the call succeeded";
    return {Kind::Cancelled, -1};
  }

  static FakeOpenAI* fake_;
};

FakeOpenAI* ChatClientTest::fake_ = nullptr;

TEST_F(ChatClientTest, StreamsDeltasInOrderWithUsage) {
  fake_->script({{{"kind", "ok"}, {"content", "Hello, world! How are you?"}, {"chunkSize", 5}}});
  ChatClient client(options());
  std::vector<std::string> deltas;
  auto result = client.stream(hello(), {[&](std::string_view d) { deltas.emplace_back(d); }, {}});
  EXPECT_EQ(result.content, "Hello, world! How are you?");
  EXPECT_EQ(deltas.size(), 6u);
  EXPECT_EQ(deltas.front(), "Hello");
  EXPECT_EQ(result.model, "fake-model");
  EXPECT_EQ(result.finish_reason, "stop");
  EXPECT_TRUE(result.usage_reported);
  EXPECT_EQ(result.usage.completion_tokens, 6);
  EXPECT_EQ(result.usage.prompt_tokens, 3);  // ceil(len("Say hello") / 4)
  EXPECT_EQ(result.requests, 1);

  auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["headers"]["authorization"], "Bearer sk-test");
  EXPECT_EQ(requests[0]["body"]["model"], "fake-model");
  EXPECT_EQ(requests[0]["body"]["stream"], true);
  EXPECT_EQ(requests[0]["body"]["stream_options"]["include_usage"], true);
  EXPECT_EQ(requests[0]["body"]["messages"][0]["content"], "Say hello");
}

TEST_F(ChatClientTest, CompletesWithoutStreaming) {
  fake_->script({{{"kind", "ok"}, {"content", "whole answer"}}});
  auto result = ChatClient(options()).complete(hello());
  EXPECT_EQ(result.content, "whole answer");
  EXPECT_EQ(result.usage.completion_tokens, 3);
  EXPECT_EQ(fake_->requests()[0]["body"]["stream"], false);
}

TEST_F(ChatClientTest, AcceptsAWholeCompletionWhenAStreamWasAskedFor) {
  fake_->script({{{"kind", "json"}, {"content", "not streamed"}}});
  std::string seen;
  auto result = ChatClient(options()).stream(hello(), {[&](std::string_view d) { seen += d; }, {}});
  EXPECT_EQ(result.content, "not streamed");
  EXPECT_EQ(seen, "not streamed");
}

TEST_F(ChatClientTest, RetriesA429AfterItsRetryAfterThenSucceeds) {
  fake_->script({{{"kind", "429"}, {"retryAfter", "1"}}, "ok"});
  auto result = ChatClient(options()).stream(hello(), {});
  EXPECT_EQ(result.requests, 2);
  EXPECT_EQ(fake_->requests().size(), 2u);
}

TEST_F(ChatClientTest, ARetryAfterLongerThanTheBoundEndsTheCall) {
  fake_->script({{{"kind", "429"}, {"retryAfter", "120"}}, "ok"});
  auto o = options();
  o.max_retry_wait_ms = 5000;
  EXPECT_EQ(failure([&] { ChatClient(o).stream(hello(), {}); }),
            std::make_pair(Kind::RateLimited, 1));
  EXPECT_EQ(fake_->requests().size(), 1u);
}

TEST_F(ChatClientTest, Retries500sUpToTheAttemptLimit) {
  fake_->script({"500", "ok"});
  EXPECT_EQ(ChatClient(options()).stream(hello(), {}).requests, 2);
  fake_->reset();
  fake_->script({"500", "500", "500", "ok"});
  EXPECT_EQ(failure([&] { ChatClient(options()).stream(hello(), {}); }),
            std::make_pair(Kind::Server, 3));
  EXPECT_EQ(fake_->requests().size(), 3u);
}

TEST_F(ChatClientTest, ARejectedRequestIsNotRetried) {
  fake_->script({"400", "ok"});
  try {
    ChatClient(options()).stream(hello(), {});
    FAIL() << "no error";
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.kind(), Kind::Rejected);
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_NE(std::string(e.what()).find("This model cannot do that"), std::string::npos);
  }
  EXPECT_EQ(fake_->requests().size(), 1u);
}

TEST_F(ChatClientTest, AHangingProviderHitsTheIdleTimeoutAndIsNotRetried) {
  fake_->script({"hang", "ok"});
  EXPECT_EQ(failure([&] { ChatClient(options()).stream(hello(), {}); }),
            std::make_pair(Kind::Timeout, 1));
}

TEST_F(ChatClientTest, AStreamThatGoesSilentHitsTheIdleTimeout) {
  fake_->script({"stall"});
  std::string seen;
  EXPECT_EQ(failure([&] {
              ChatClient(options()).stream(hello(), {[&](auto d) { seen += d; }, {}});
            }).first,
            Kind::Timeout);
  EXPECT_EQ(seen, "partial");
}

TEST_F(ChatClientTest, TheTotalTimeoutBoundsASlowStream) {
  fake_->script({{{"kind", "ok"}, {"chunkSize", 1}, {"chunkDelayMs", 100}}});
  auto o = options();
  o.total_timeout_ms = 500;
  EXPECT_EQ(failure([&] { ChatClient(o).stream(hello(), {}); }).first, Kind::Timeout);
}

TEST_F(ChatClientTest, AMalformedChunkIsAClearError) {
  fake_->script({"malformed", "ok"});
  EXPECT_EQ(failure([&] { ChatClient(options()).stream(hello(), {}); }),
            std::make_pair(Kind::Malformed, 1));
}

TEST_F(ChatClientTest, AStreamCutBeforeDoneIsTruncatedAndNotRetriedAfterDeltas) {
  fake_->script({"truncated", "ok"});
  std::string seen;
  EXPECT_EQ(failure([&] {
              ChatClient(options()).stream(hello(), {[&](auto d) { seen += d; }, {}});
            }),
            std::make_pair(Kind::Truncated, 1));
  EXPECT_EQ(seen.rfind("the beginning ", 0), 0u);
}

TEST_F(ChatClientTest, AStreamCutBeforeAnyTextIsRetried) {
  fake_->script({"cut", "ok"});
  EXPECT_EQ(ChatClient(options()).stream(hello(), {}).requests, 2);
}

TEST_F(ChatClientTest, AHugeErrorBodyStillGivesTheStatusError) {
  fake_->script({{{"kind", "500"}, {"message", std::string(200'000, 'e')}}});
  auto o = options();
  o.max_attempts = 1;
  o.max_response_bytes = 1000;
  try {
    ChatClient(o).stream(hello(), {});
    FAIL() << "no error";
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.kind(), Kind::Server);
    EXPECT_EQ(e.http_status(), 500);
  }
}

TEST_F(ChatClientTest, AnAnswerPastTheSizeBoundIsRefused) {
  fake_->script({{{"kind", "ok"}, {"content", std::string(5000, 'x')}, {"chunkSize", 500}}});
  auto o = options();
  o.max_response_bytes = 2000;
  EXPECT_EQ(failure([&] { ChatClient(o).stream(hello(), {}); }).first, Kind::TooLarge);
}

TEST_F(ChatClientTest, KeepGoingFalseCancelsAHangingCall) {
  fake_->script({"hang"});
  auto o = options();
  o.idle_timeout_ms = 60000;
  int polls = 0;
  EXPECT_EQ(failure([&] {
              ChatClient(o).stream(hello(), {{}, [&] { return ++polls < 3; }});
            }).first,
            Kind::Cancelled);
  EXPECT_EQ(polls, 3);
}

TEST_F(ChatClientTest, NobodyListeningIsANetworkErrorRetried) {
  auto o = options();
  o.base_url = "http://127.0.0.1:1/v1";
  EXPECT_EQ(failure([&] { ChatClient(o).stream(hello(), {}); }), std::make_pair(Kind::Network, 3));
}

TEST_F(ChatClientTest, TheBreakerOpensAfterRepeatedFailuresAndThenSendsNothing) {
  auto o = options();
  o.max_attempts = 1;
  int64_t now = 0;
  Provider provider(o, {.failure_threshold = 2, .cooldown_ms = 1000}, [&] { return now; });
  fake_->script({"500", "500", "ok", "ok"});
  EXPECT_EQ(failure([&] { provider.stream(hello(), {}); }).first, Kind::Server);
  EXPECT_EQ(failure([&] { provider.stream(hello(), {}); }).first, Kind::Server);
  EXPECT_EQ(failure([&] { provider.stream(hello(), {}); }), std::make_pair(Kind::CircuitOpen, 0));
  EXPECT_EQ(fake_->requests().size(), 2u);
  EXPECT_EQ(provider.breaker_status()["state"], "open");
  now += 1000;  // the probe goes through and closes the circuit
  EXPECT_EQ(provider.stream(hello(), {}).requests, 1);
  EXPECT_EQ(provider.breaker_status()["state"], "closed");
  EXPECT_EQ(fake_->requests().size(), 3u);
}

TEST_F(ChatClientTest, ARejectedRequestDoesNotCountAgainstTheProvider) {
  auto o = options();
  o.max_attempts = 1;
  Provider provider(o, {.failure_threshold = 1, .cooldown_ms = 60000});
  fake_->script({"400", "ok"});
  EXPECT_EQ(failure([&] { provider.stream(hello(), {}); }).first, Kind::Rejected);
  EXPECT_EQ(provider.stream(hello(), {}).requests, 1);
}

TEST_F(ChatClientTest, InterruptEndsACallInFlightAndRefusesNewOnes) {
  auto o = options();
  o.idle_timeout_ms = 600'000;
  Provider provider(o, {.failure_threshold = 1, .cooldown_ms = 60000});
  fake_->script({"hang"});
  std::pair<Kind, int> outcome;
  std::thread call([&] { outcome = failure([&] { provider.stream(hello(), {}); }); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (fake_->requests().empty() && std::chrono::steady_clock::now() < deadline) {
  }
  provider.interrupt();
  call.join();
  EXPECT_EQ(outcome, std::make_pair(Kind::Interrupted, 1));
  // Not the provider's fault: the breaker (threshold 1) stays closed...
  EXPECT_EQ(provider.breaker_status()["state"], "closed");
  // ...and no new call goes out.
  EXPECT_EQ(failure([&] { provider.stream(hello(), {}); }), std::make_pair(Kind::Interrupted, 0));
  EXPECT_EQ(fake_->requests().size(), 1u);
}

TEST(RetryAfter, ReadsSecondsAndHttpDates) {
  EXPECT_EQ(parse_retry_after_ms("3", 0), 3000);
  EXPECT_EQ(parse_retry_after_ms(" 0 ", 0), 0);
  EXPECT_EQ(parse_retry_after_ms("Wed, 21 Oct 2015 07:28:10 GMT", 1445412480), 10000);
  EXPECT_EQ(parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490), 0);
  EXPECT_EQ(parse_retry_after_ms("soon", 0), 0);
  EXPECT_GT(parse_retry_after_ms("99999999999999", 0), 1000LL * 86400 * 365);
}

}  // namespace
}  // namespace od::ai
