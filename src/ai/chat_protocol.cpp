#include "ai/chat_protocol.h"

#include "ai/provider_error.h"

namespace od::ai {
namespace {

constexpr size_t kMaxErrorText = 300;

ProviderError malformed(const std::string& what) {
  return ProviderError(ProviderErrorKind::Malformed, "the provider sent " + what);
}

nlohmann::json parse_object(std::string_view text, const char* what) {
  auto value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded() || !value.is_object()) {
    throw malformed(std::string(what) + " that is not a JSON object");
  }
  return value;
}

// Length of the valid UTF-8 sequence at the start of `text`, 0 when it is not one.
size_t utf8_sequence(std::string_view text) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(0);
  size_t length = lead < 0x80                   ? 1
                  : lead >= 0xC2 && lead < 0xE0 ? 2
                  : lead >= 0xE0 && lead < 0xF0 ? 3
                  : lead >= 0xF0 && lead < 0xF5 ? 4
                                                : 0;
  if (length == 0 || length > text.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
  if ((lead == 0xE0 && byte(1) < 0xA0) || (lead == 0xED && byte(1) >= 0xA0) ||
      (lead == 0xF0 && byte(1) < 0x90) || (lead == 0xF4 && byte(1) >= 0x90)) {
    return 0;
  }
  return length;
}

// At most kMaxErrorText bytes of provider text, as valid UTF-8 (invalid bytes become '?'): the
// message ends up in JSON, which must not fail to render.
std::string bounded(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    size_t length = utf8_sequence(text);
    if (out.size() + std::max<size_t>(length, 1) > kMaxErrorText) break;
    if (length == 0) {
      out.push_back('?');
      length = 1;
    } else {
      out.append(text.substr(0, length));
    }
    text.remove_prefix(length);
  }
  return out;
}

std::string optional_string(const nlohmann::json& object, const char* key, const char* what) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) throw malformed(std::string(what) + " whose '" + key + "' is not a string");
  return it->get<std::string>();
}

std::optional<Usage> read_usage(const nlohmann::json& object) {
  auto it = object.find("usage");
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) throw malformed("a usage that is not an object");
  Usage usage;
  for (auto [key, field] : {std::pair{"prompt_tokens", &Usage::prompt_tokens},
                            std::pair{"completion_tokens", &Usage::completion_tokens}}) {
    auto value = it->find(key);
    if (value == it->end() || value->is_null()) continue;
    if (!value->is_number_integer() || value->get<int64_t>() < 0) {
      throw malformed(std::string("a usage whose ") + key + " is not a count");
    }
    usage.*field = value->get<int64_t>();
  }
  return usage;
}

// An error object in place of a result: some servers report failures inside a 200 stream.
void throw_if_error(const nlohmann::json& object) {
  auto it = object.find("error");
  if (it == object.end() || it->is_null()) return;
  throw ProviderError(ProviderErrorKind::Server,
                      "the provider reported an error: " + error_message(object.dump()));
}

const nlohmann::json* first_choice(const nlohmann::json& object, const char* what) {
  auto choices = object.find("choices");
  if (choices == object.end() || !choices->is_array()) {
    throw malformed(std::string(what) + " without a choices array");
  }
  if (choices->empty()) return nullptr;  // the usage-only last chunk
  if (!choices->front().is_object()) throw malformed(std::string(what) + " with a bad choice");
  return &choices->front();
}

}  // namespace

nlohmann::json chat_request_body(const std::string& model, const ChatRequest& request,
                                 bool stream) {
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& message : request.messages) {
    messages.push_back({{"role", message.role}, {"content", message.content}});
  }
  nlohmann::json body = {{"model", model}, {"messages", messages}, {"stream", stream}};
  if (stream) body["stream_options"] = {{"include_usage", true}};
  if (request.temperature) body["temperature"] = *request.temperature;
  if (request.max_tokens) body["max_tokens"] = *request.max_tokens;
  if (request.json_object) body["response_format"] = {{"type", "json_object"}};
  return body;
}

ChatPiece parse_chunk(std::string_view data) {
  auto object = parse_object(data, "a stream chunk");
  throw_if_error(object);
  ChatPiece piece;
  piece.model = optional_string(object, "model", "a chunk");
  piece.usage = read_usage(object);
  if (const auto* choice = first_choice(object, "a chunk")) {
    piece.finish_reason = optional_string(*choice, "finish_reason", "a choice");
    auto delta = choice->find("delta");
    if (delta != choice->end() && !delta->is_null()) {
      if (!delta->is_object()) throw malformed("a chunk whose delta is not an object");
      piece.content = optional_string(*delta, "content", "a delta");
    }
  }
  return piece;
}

ChatPiece parse_completion(std::string_view body) {
  auto object = parse_object(body, "a completion");
  throw_if_error(object);
  ChatPiece piece;
  piece.model = optional_string(object, "model", "a completion");
  piece.usage = read_usage(object);
  const auto* choice = first_choice(object, "a completion");
  if (!choice) throw malformed("a completion without choices");
  piece.finish_reason = optional_string(*choice, "finish_reason", "a choice");
  auto message = choice->find("message");
  if (message == choice->end() || !message->is_object()) {
    throw malformed("a completion choice without a message");
  }
  piece.content = optional_string(*message, "content", "a message");
  return piece;
}

std::string error_message(std::string_view body) {
  auto value = nlohmann::json::parse(body, nullptr, false);
  if (value.is_object()) {
    auto error = value.find("error");
    if (error != value.end()) {
      if (error->is_string()) return bounded(error->get<std::string>());
      if (error->is_object() && error->contains("message") && (*error)["message"].is_string()) {
        return bounded((*error)["message"].get<std::string>());
      }
    }
  }
  return bounded(body);
}

}  // namespace od::ai
