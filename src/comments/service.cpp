#include "comments/service.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/collect_pages.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/time.h"
#include "events/topics.h"

namespace od::comments {
namespace {

using projects::Access;

bool is_member_or_owner(Access access) {
  return access == Access::Viewer || access == Access::Editor || access == Access::Owner ||
         access == Access::Admin;
}

bool can_edit(Access access) {
  return access == Access::Editor || access == Access::Owner || access == Access::Admin;
}

bool mention_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-' || c == '@';
}

// `@token` words of the body: an '@' at the start or after a character that cannot be part of
// an address (so "a@b.c" inside a word is not a mention), up to the first other character.
std::vector<std::string> mention_tokens(const std::string& body) {
  std::vector<std::string> out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '@' || (i > 0 && mention_char(body[i - 1]))) continue;
    size_t end = i + 1;
    while (end < body.size() && mention_char(body[end])) ++end;
    std::string token = body.substr(i + 1, end - i - 1);
    while (!token.empty() && (token.back() == '.' || token.back() == '-')) token.pop_back();
    if (!token.empty()) out.push_back(token);
    i = end - 1;
  }
  return out;
}

}  // namespace

CommentsService::CommentsService(CommentStore& store, projects::ProjectsService& projects,
                                 auth::AuthService& accounts, events::EventBus* events,
                                 RoomNotifier notify)
    : store_(store),
      projects_(projects),
      accounts_(accounts),
      events_(events),
      notify_(std::move(notify)) {}

projects::Visible CommentsService::require_writer(const auth::Principal& caller,
                                                  const std::string& project_id) {
  auto visible = projects_.get(caller, project_id);  // 404 when not visible
  if (!is_member_or_owner(visible.access)) {
    throw forbidden("Only the project's owner and members may comment.");
  }
  return visible;
}

Comment CommentsService::require_comment(const std::string& project_id, const std::string& id) {
  if (!is_valid_id(id)) throw not_found("comment");
  auto found = store_.find(project_id, id);
  if (!found) throw not_found("comment");
  return *found;
}

std::vector<std::string> CommentsService::resolve_mentions(const auth::Principal& caller,
                                                           const projects::Visible& project,
                                                           const std::string& body) {
  // Only tokens that look like a user id or an address are mentions; bound them before any
  // lookup so a long body cannot make one request do thousands.
  std::vector<std::string> tokens;
  for (auto& token : mention_tokens(body)) {
    bool candidate = token.find('@') != std::string::npos || is_valid_id(token);
    if (candidate && std::find(tokens.begin(), tokens.end(), token) == tokens.end()) {
      tokens.push_back(std::move(token));
    }
  }
  if (tokens.size() > kMaxMentions) {
    throw validation_error("A comment may mention at most 20 users.", {{"field", "body"}});
  }
  if (tokens.empty()) return {};
  std::set<std::string> allowed = {project.project.owner_id};
  for (const auto& member : projects_.members(caller, project.project.id)) {
    allowed.insert(member.user_id);
  }
  std::vector<std::string> ids;
  for (const auto& token : tokens) {
    std::string id;
    if (token.find('@') != std::string::npos) {
      if (auto user = accounts_.find_by_email(token)) id = user->id;
    } else {
      id = token;
    }
    if (id.empty() || !allowed.contains(id)) {
      throw ApiError(422, "unknown_mention",
                     "A mentioned user does not exist or cannot see this project.",
                     {{"mention", "@" + token}});
    }
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

void CommentsService::announce(const Comment& comment, const std::string& type) {
  nlohmann::json data = {{"type", type},
                         {"projectId", comment.project_id},
                         {"commentId", comment.id},
                         {"threadId", comment.thread_id}};
  if (events_) events_->publish({events::project_topic(comment.project_id), type, data, "", 0});
  if (notify_) notify_(comment.project_id, data.dump());
}

Comment CommentsService::create_thread(const auth::Principal& caller, const std::string& project_id,
                                       NewComment input) {
  auto project = require_writer(caller, project_id);
  Comment c;
  c.id = new_id();
  c.thread_id = c.id;
  c.project_id = project_id;
  c.author_id = caller.user_id;
  c.mentions = resolve_mentions(caller, project, input.body);
  c.body = std::move(input.body);
  c.anchor = std::move(input.anchor);
  c.created_at = c.updated_at = now_ms();
  store_.insert(c);
  announce(c, "comment.created");
  return c;
}

Comment CommentsService::reply(const auth::Principal& caller, const std::string& project_id,
                               const std::string& thread_id, const std::string& body) {
  auto project = require_writer(caller, project_id);
  auto thread = require_comment(project_id, thread_id);
  if (!thread.is_thread()) throw not_found("thread");
  if (store_.reply_count(thread.id) >= static_cast<int64_t>(kMaxReplies)) {
    throw ApiError(409, "thread_full", "This thread has the most replies it may have.");
  }
  Comment c;
  c.id = new_id();
  c.thread_id = thread.id;
  c.project_id = project_id;
  c.author_id = caller.user_id;
  c.mentions = resolve_mentions(caller, project, body);
  c.body = body;
  c.created_at = c.updated_at = now_ms();
  store_.insert(c);
  announce(c, "comment.created");
  return c;
}

Comment CommentsService::edit(const auth::Principal& caller, const std::string& project_id,
                              const std::string& comment_id, const std::string& body) {
  auto project = require_writer(caller, project_id);
  auto c = require_comment(project_id, comment_id);
  if (c.author_id != caller.user_id) throw forbidden("Only its author may edit a comment.");
  c.mentions = resolve_mentions(caller, project, body);
  c.body = body;
  c.updated_at = std::max(now_ms(), c.created_at + 1);  // "edited" even within a millisecond
  store_.update_body(c.id, c.body, c.mentions, c.updated_at);
  if (c.is_thread()) c.reply_count = store_.reply_count(c.id);
  announce(c, "comment.updated");
  return c;
}

void CommentsService::remove(const auth::Principal& caller, const std::string& project_id,
                             const std::string& comment_id) {
  auto project = projects_.get(caller, project_id);
  auto c = require_comment(project_id, comment_id);
  bool moderator = project.access == Access::Owner || project.access == Access::Admin;
  if (c.author_id != caller.user_id && !moderator) {
    throw forbidden("Only its author or the project's owner may delete a comment.");
  }
  store_.remove(c);
  announce(c, "comment.deleted");
}

Comment CommentsService::set_resolved(const auth::Principal& caller, const std::string& project_id,
                                      const std::string& thread_id, bool resolved) {
  auto project = require_writer(caller, project_id);
  auto c = require_comment(project_id, thread_id);
  if (!c.is_thread()) throw not_found("thread");
  if (c.author_id != caller.user_id && !can_edit(project.access)) {
    throw forbidden("Only the thread's author or an editor may resolve or reopen it.");
  }
  c.resolved_at = resolved ? now_ms() : 0;
  c.resolved_by = resolved ? caller.user_id : "";
  store_.set_resolved(c.id, c.resolved_at, c.resolved_by);
  c.reply_count = store_.reply_count(c.id);
  announce(c, resolved ? "comment.resolved" : "comment.reopened");
  return c;
}

std::vector<Comment> CommentsService::threads(const auth::Principal& caller,
                                              const std::string& project_id, ThreadFilter filter,
                                              const std::string& before_id, int limit) {
  projects_.get(caller, project_id);
  return store_.threads(project_id, filter, before_id, limit);
}

Thread CommentsService::thread(const auth::Principal& caller, const std::string& project_id,
                               const std::string& thread_id) {
  projects_.get(caller, project_id);
  auto root = require_comment(project_id, thread_id);
  if (!root.is_thread()) throw not_found("thread");
  Thread out{root, store_.replies(root.id)};
  out.root.reply_count = static_cast<int64_t>(out.replies.size());
  return out;
}

std::vector<Comment> CommentsService::authored_by(const auth::Principal& caller) {
  return collect_all_by_id([&](const std::string& after, int limit) {
    return store_.by_author(caller.user_id, after, limit);
  });
}

void CommentsService::forget_user(const std::string& user_id) { store_.forget_user(user_id); }

}  // namespace od::comments
