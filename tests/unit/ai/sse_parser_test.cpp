// The SSE parser on the shapes providers really send: events split across reads at any byte,
// CRLF and CR line ends, multi-line data, comments (keep-alives), fields it ignores, and lines
// past the bound.
#include "ai/sse_parser.h"

#include <gtest/gtest.h>

#include "ai/provider_error.h"

namespace od::ai {
namespace {

std::vector<std::string> parse_in_pieces(const std::string& text, size_t piece) {
  std::vector<std::string> events;
  SseParser parser([&](const std::string& data) { events.push_back(data); });
  for (size_t i = 0; i < text.size(); i += piece)
    parser.feed(std::string_view(text).substr(i, piece));
  return events;
}

TEST(SseParser, SplitsEventsWhateverTheReadBoundaries) {
  std::string text = "data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n";
  for (size_t piece = 1; piece <= text.size(); ++piece) {
    EXPECT_EQ(parse_in_pieces(text, piece),
              (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "[DONE]"}))
        << "piece size " << piece;
  }
}

TEST(SseParser, AcceptsCrLfAndCrLineEnds) {
  for (size_t piece : {1u, 2u, 3u, 100u}) {
    EXPECT_EQ(parse_in_pieces("data: one\r\n\r\ndata: two\r\rdata: three\n\n", piece),
              (std::vector<std::string>{"one", "two", "three"}))
        << "piece size " << piece;
  }
}

TEST(SseParser, JoinsDataLinesAndIgnoresCommentsAndOtherFields) {
  auto events = parse_in_pieces(
      ": keep-alive\n\nevent: message\nid: 7\ndata: first\ndata:second\nretry: 10\n\n", 5);
  EXPECT_EQ(events, (std::vector<std::string>{"first\nsecond"}));
}

TEST(SseParser, AnEventWithoutItsBlankLineIsNotDispatched) {
  EXPECT_TRUE(parse_in_pieces("data: unfinished\n", 4).empty());
}

TEST(SseParser, RejectsALineLongerThanTheBound) {
  SseParser parser([](const std::string&) {}, 64);
  parser.feed(std::string(60, 'x'));
  try {
    parser.feed(std::string(10, 'x'));
    FAIL() << "no error for a 70-byte line";
  } catch (const ProviderError& e) {
    EXPECT_EQ(e.kind(), ProviderErrorKind::Malformed);
  }
}

TEST(SseParser, RejectsAnEventLargerThanTheBoundAcrossManyLines) {
  SseParser parser([](const std::string&) {}, 64);
  EXPECT_THROW(
      {
        for (int i = 0; i < 10; ++i) parser.feed("data: 0123456789\n");
      },
      ProviderError);
}

}  // namespace
}  // namespace od::ai
