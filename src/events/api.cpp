#include "events/api.h"

#include <set>

#include "auth/request_auth.h"
#include "core/error.h"
#include "core/ids.h"
#include "events/topics.h"

namespace od::events {
namespace {

constexpr size_t kMaxTopics = 20;
constexpr size_t kMaxTopicsText = 2000;
// Chunks a slow client may leave unread before the server cuts it off (it reconnects).
constexpr size_t kMaxBufferedChunks = 512;

std::vector<std::string> parse_topics(const std::optional<std::string>& text) {
  auto invalid = [](const std::string& message) {
    return validation_error(message, {{"field", "topics"}});
  };
  if (!text || text->empty()) throw invalid("Query parameter 'topics' is required.");
  if (text->size() > kMaxTopicsText) throw invalid("Query parameter 'topics' is too long.");
  std::set<std::string> topics;
  size_t count = 0;
  for (size_t start = 0; start <= text->size();) {
    size_t comma = std::min(text->find(',', start), text->size());
    std::string topic = text->substr(start, comma - start);
    start = comma + 1;
    auto project = project_of_topic(topic);
    if (!project || !is_valid_id(*project)) {
      throw invalid("Each topic must be project:<id>.");
    }
    if (++count > kMaxTopics) {
      throw invalid("At most " + std::to_string(kMaxTopics) + " topics per stream.");
    }
    topics.insert(std::move(topic));
  }
  return {topics.begin(), topics.end()};
}

}  // namespace

void register_routes(http::Router& router, SseHub& hub, const auth::AuthService& accounts) {
  router.add(http::Method::Get, "/api/v1/events", [&hub, &accounts](http::Request& req) {
    // Browsers' EventSource cannot send headers: this route also takes `?access_token=`.
    auth::Principal caller = auth::require_principal_or_query_token(req, accounts, "access_token");
    std::vector<std::string> topics = parse_topics(req.query("topics"));
    // Unreadable and missing look the same, so a stream does not reveal that a project exists.
    for (const auto& topic : topics) {
      if (!hub.may_read(caller, topic)) throw not_found("project");
    }
    http::Response response;
    response.stream = http::make_stream(kMaxBufferedChunks);
    // Tells buffering reverse proxies (nginx) to pass events through as they come.
    response.headers.set("X-Accel-Buffering", "no");
    hub.attach(response.stream, std::move(caller), std::move(topics));
    return response;
  });
}

}  // namespace od::events
