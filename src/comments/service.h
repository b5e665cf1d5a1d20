// The rules of comments. Everyone who may see a project reads its comments; members of any role
// (viewers included: commenting is how reviewers take part) and the owner write them. Authors
// edit their own comments; authors and the project's owner delete them; the thread's author and
// editors resolve and reopen threads. Mentions are written in the body as `@<user id>` or
// `@<email>` and must name someone who can see the project (422 otherwise); they are stored as
// user ids. Every change is announced to the project's collaboration rooms (notice messages) and
// on the event bus (topic project:<id>, for SSE).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "comments/store.h"
#include "events/bus.h"
#include "projects/service.h"

namespace od::comments {

struct NewComment {
  std::string body;
  nlohmann::json anchor;  // threads: {"nodeId"} or {"file","from","to"}, validated by the route
};

struct Thread {
  Comment root;
  std::vector<Comment> replies;
};

// Sends a notice (JSON) to the project's live collaboration rooms.
using RoomNotifier = std::function<void(const std::string& project_id, const std::string& json)>;

class CommentsService {
 public:
  CommentsService(CommentStore& store, projects::ProjectsService& projects,
                  auth::AuthService& accounts, events::EventBus* events, RoomNotifier notify);

  Comment create_thread(const auth::Principal& caller, const std::string& project_id,
                        NewComment input);
  Comment reply(const auth::Principal& caller, const std::string& project_id,
                const std::string& thread_id, const std::string& body);
  Comment edit(const auth::Principal& caller, const std::string& project_id,
               const std::string& comment_id, const std::string& body);
  void remove(const auth::Principal& caller, const std::string& project_id,
              const std::string& comment_id);
  Comment set_resolved(const auth::Principal& caller, const std::string& project_id,
                       const std::string& thread_id, bool resolved);
  std::vector<Comment> threads(const auth::Principal& caller, const std::string& project_id,
                               ThreadFilter filter, const std::string& before_id, int limit);
  Thread thread(const auth::Principal& caller, const std::string& project_id,
                const std::string& thread_id);

  // Everything the caller wrote, in any project (their data export), oldest first.
  std::vector<Comment> authored_by(const auth::Principal& caller);
  // After the account of `user_id` was deleted: their comments stay, anonymous (the author is
  // cleared with the account), and their id leaves resolvedBy and mention lists.
  void forget_user(const std::string& user_id);

  static constexpr size_t kMaxReplies = 500;
  static constexpr size_t kMaxMentions = 20;

 private:
  projects::Visible require_writer(const auth::Principal& caller, const std::string& project_id);
  Comment require_comment(const std::string& project_id, const std::string& id);
  std::vector<std::string> resolve_mentions(const auth::Principal& caller,
                                            const projects::Visible& project,
                                            const std::string& body);
  void announce(const Comment& comment, const std::string& type);

  CommentStore& store_;
  projects::ProjectsService& projects_;
  auth::AuthService& accounts_;
  events::EventBus* events_;
  RoomNotifier notify_;
};

}  // namespace od::comments
