// The comments table: threads and their replies. A thread is its first comment (thread_id = id);
// deleting it deletes its replies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "comments/comment.h"
#include "db/database.h"

namespace od::comments {

enum class ThreadFilter { kAll, kOpen, kResolved };

class CommentStore {
 public:
  explicit CommentStore(db::Database& db) : db_(db) {}

  void insert(const Comment& comment);
  std::optional<Comment> find(const std::string& project_id, const std::string& id);
  void update_body(const std::string& id, const std::string& body,
                   const std::vector<std::string>& mentions, int64_t now);
  // resolved_at 0 reopens.
  void set_resolved(const std::string& thread_id, int64_t resolved_at,
                    const std::string& resolved_by);
  // A reply, or a thread with its replies.
  void remove(const Comment& comment);
  // Threads of the project newest first, before `before_id` (empty: from the newest), with their
  // reply counts.
  std::vector<Comment> threads(const std::string& project_id, ThreadFilter filter,
                               const std::string& before_id, int limit);
  // The replies of a thread, oldest first.
  std::vector<Comment> replies(const std::string& thread_id);
  int64_t reply_count(const std::string& thread_id);
  // The comments `author_id` wrote, in every project, oldest first, after `after_id` (keyset).
  std::vector<Comment> by_author(const std::string& author_id, const std::string& after_id,
                                 int limit);
  // Erasure of a user: their id leaves resolved_by and every mention list (author_id is cleared
  // by the foreign key when the account row goes).
  void forget_user(const std::string& user_id);

 private:
  db::Database& db_;
};

}  // namespace od::comments
