#include "ai/sse_parser.h"

#include "ai/provider_error.h"

namespace od::ai {

SseParser::SseParser(OnEvent on_event, size_t max_line_bytes)
    : on_event_(std::move(on_event)), max_line_bytes_(max_line_bytes) {}

void SseParser::feed(std::string_view bytes) {
  size_t start = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if (c != '\n' && c != '\r') {
      after_cr_ = false;
      continue;
    }
    bool second_half_of_crlf = c == '\n' && after_cr_ && i == start && pending_.empty();
    after_cr_ = c == '\r';
    if (second_half_of_crlf) {
      start = i + 1;
      continue;
    }
    pending_.append(bytes.substr(start, i - start));
    start = i + 1;
    std::string text;
    text.swap(pending_);
    line(text);
  }
  if (pending_.size() + (bytes.size() - start) > max_line_bytes_) {
    throw ProviderError(
        ProviderErrorKind::Malformed,
        "a stream line is longer than " + std::to_string(max_line_bytes_) + " bytes");
  }
  pending_.append(bytes.substr(start));
}

void SseParser::line(std::string_view text) {
  if (text.empty()) {
    if (has_data_) {
      std::string data;
      data.swap(data_);
      has_data_ = false;
      on_event_(data);
    }
    return;
  }
  if (text.front() == ':') return;
  size_t colon = text.find(':');
  std::string_view field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field != "data") return;
  if (has_data_) data_.push_back('\n');
  data_.append(value);
  has_data_ = true;
  if (data_.size() > max_line_bytes_) {
    throw ProviderError(ProviderErrorKind::Malformed, "a stream event is too large");
  }
}

}  // namespace od::ai
