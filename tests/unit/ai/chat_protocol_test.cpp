// The chat-completions wire format: the request body the client sends, the chunks and whole
// completions it reads back, and the clear errors for what is not the protocol.
#include "ai/chat_protocol.h"

#include <gtest/gtest.h>

#include "ai/provider_error.h"

namespace od::ai {
namespace {

ProviderErrorKind kind_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const ProviderError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no ProviderError";
  return ProviderErrorKind::Cancelled;
}

TEST(ChatProtocol, StreamingRequestAsksForUsage) {
  ChatRequest request;
  request.messages = {{"system", "be brief"}, {"user", "hi"}};
  request.temperature = 0.5;
  auto body = chat_request_body("m1", request, true);
  EXPECT_EQ(body["model"], "m1");
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  EXPECT_EQ(body["messages"][1]["content"], "hi");
  EXPECT_EQ(body["temperature"], 0.5);
  EXPECT_FALSE(body.contains("max_tokens"));
  EXPECT_FALSE(chat_request_body("m1", request, false).contains("stream_options"));
}

TEST(ChatProtocol, ReadsContentDeltasFinishReasonAndUsage) {
  auto piece = parse_chunk(
      R"({"model":"gpt","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]})");
  EXPECT_EQ(piece.content, "Hel");
  EXPECT_EQ(piece.model, "gpt");
  EXPECT_FALSE(piece.usage);
  auto last = parse_chunk(R"({"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3}})");
  ASSERT_TRUE(last.usage);
  EXPECT_EQ(last.usage->prompt_tokens, 12);
  EXPECT_EQ(last.usage->completion_tokens, 3);
  EXPECT_EQ(parse_chunk(R"({"choices":[{"delta":{},"finish_reason":"stop"}]})").finish_reason,
            "stop");
  EXPECT_EQ(parse_chunk(R"({"choices":[{"delta":{"role":"assistant"}}]})").content, "");
}

TEST(ChatProtocol, MalformedChunksAreTypedErrors) {
  for (const char* bad :
       {"{not json", "[1,2]", R"({"id":"x"})", R"({"choices":[1]})",
        R"({"choices":[{"delta":"text"}]})", R"({"choices":[{"delta":{"content":5}}]})",
        R"({"choices":[],"usage":{"prompt_tokens":-1}})"}) {
    EXPECT_EQ(kind_of([&] { parse_chunk(bad); }), ProviderErrorKind::Malformed) << bad;
  }
}

TEST(ChatProtocol, AnErrorObjectInAStreamIsAServerError) {
  EXPECT_EQ(kind_of([] { parse_chunk(R"({"error":{"message":"overloaded"}})"); }),
            ProviderErrorKind::Server);
}

TEST(ChatProtocol, ReadsAWholeCompletion) {
  auto piece = parse_completion(
      R"({"model":"m","choices":[{"message":{"role":"assistant","content":"done"},"finish_reason":"length"}],"usage":{"prompt_tokens":4,"completion_tokens":1}})");
  EXPECT_EQ(piece.content, "done");
  EXPECT_EQ(piece.finish_reason, "length");
  EXPECT_EQ(piece.usage->prompt_tokens, 4);
  EXPECT_EQ(kind_of([] { parse_completion(R"({"choices":[]})"); }), ProviderErrorKind::Malformed);
  EXPECT_EQ(kind_of([] { parse_completion(R"({"choices":[{"text":"legacy"}]})"); }),
            ProviderErrorKind::Malformed);
}

TEST(ChatProtocol, ErrorMessagesAreBoundedValidUtf8) {
  EXPECT_EQ(error_message(R"({"error":{"message":"quota exceeded"}})"), "quota exceeded");
  EXPECT_EQ(error_message(R"({"error":"model not found"})"), "model not found");
  EXPECT_EQ(error_message("<html>bad gateway</html>"), "<html>bad gateway</html>");
  EXPECT_EQ(error_message("bad \xff\xfe bytes \xed\xa0\x80"), "bad ?? bytes ???");
  std::string long_text(1000, 'x');
  EXPECT_EQ(error_message(long_text).size(), 300u);
  // A multi-byte character is never cut in two at the bound.
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xc3\xa9";
  EXPECT_EQ(error_message(accents).size(), 300u);
  EXPECT_NO_THROW(nlohmann::json(error_message(accents + "\xc3")).dump());
}

}  // namespace
}  // namespace od::ai
