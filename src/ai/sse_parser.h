// An incremental parser for Server-Sent Events as AI providers stream them: bytes arrive in
// arbitrary pieces, lines end in \n, \r\n or \r, an event is its `data:` lines joined by \n and
// ends at a blank line, `:` lines are comments (keep-alives). Fields other than data are ignored
// (chat-completion streams use none). A line longer than the bound is a malformed stream, so a
// provider that never sends a newline cannot grow the buffer without end.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace od::ai {

class SseParser {
 public:
  using OnEvent = std::function<void(const std::string& data)>;

  SseParser(OnEvent on_event, size_t max_line_bytes = 1 << 20);

  // Feeds the next bytes; calls on_event for every event completed by them. Throws
  // ProviderError(Malformed) when a line passes the bound.
  void feed(std::string_view bytes);

 private:
  void line(std::string_view text);

  OnEvent on_event_;
  const size_t max_line_bytes_;
  std::string pending_;  // the unfinished line
  std::string data_;     // the event being assembled
  bool has_data_ = false;
  bool after_cr_ = false;  // the previous byte was \r: a following \n belongs to the same break
};

}  // namespace od::ai
