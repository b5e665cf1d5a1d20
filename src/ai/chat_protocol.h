// The OpenAI chat-completions wire format, apart from transport: the request body, one streamed
// chunk, a whole (non-streamed) completion and an error body. OpenAI, Ollama, vLLM and the
// llama.cpp server all speak it. Anything that does not fit is ProviderError(Malformed), and an
// error object where a chunk should be is ProviderError(Server).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace od::ai {

struct ChatMessage {
  std::string role;  // system | user | assistant
  std::string content;
};

struct ChatRequest {
  std::vector<ChatMessage> messages;
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  bool json_object = false;  // ask for a JSON object answer (response_format json_object)
};

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
};

// What one streamed chunk (or a whole completion) carries.
struct ChatPiece {
  std::string content;  // the text delta (the whole text for a completion)
  std::string model;
  std::string finish_reason;
  std::optional<Usage> usage;
};

// The body for POST {base}/chat/completions. Streaming asks for the usage in a last chunk
// (stream_options.include_usage), which OpenAI, vLLM and recent Ollama honour.
nlohmann::json chat_request_body(const std::string& model, const ChatRequest& request, bool stream);

// One `data:` payload of a stream other than [DONE].
ChatPiece parse_chunk(std::string_view data);
// A whole chat.completion body.
ChatPiece parse_completion(std::string_view body);
// The human message of an error body ({"error":{"message":...}} or {"error":"..."}), else a
// bounded prefix of the body.
std::string error_message(std::string_view body);

}  // namespace od::ai
