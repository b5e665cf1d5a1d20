#include "comments/comment.h"

#include "core/time.h"

namespace od::comments {

nlohmann::json to_json(const Comment& c) {
  nlohmann::json out = {
      {"id", c.id},
      {"projectId", c.project_id},
      {"threadId", c.thread_id},
      {"authorId", c.author_id.empty() ? nlohmann::json() : nlohmann::json(c.author_id)},
      {"body", c.body},
      {"mentions", c.mentions},
      {"createdAt", rfc3339(c.created_at)},
      {"updatedAt", rfc3339(c.updated_at)},
      {"edited", c.updated_at != c.created_at}};
  if (c.is_thread()) {
    out["anchor"] = c.anchor;
    out["resolved"] = c.resolved_at != 0;
    out["resolvedAt"] = c.resolved_at ? nlohmann::json(rfc3339(c.resolved_at)) : nlohmann::json();
    out["resolvedBy"] = c.resolved_by.empty() ? nlohmann::json() : nlohmann::json(c.resolved_by);
    out["replyCount"] = c.reply_count;
  }
  return out;
}

}  // namespace od::comments
