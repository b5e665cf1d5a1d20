#include "comments/store.h"

namespace od::comments {
namespace {

constexpr char kColumns[] =
    "id, project_id, thread_id, author_id, body, anchor, mentions, resolved_at, resolved_by, "
    "created_at, updated_at";

Comment from_row(const db::Row& r) {
  Comment c;
  c.id = r.text(0);
  c.project_id = r.text(1);
  c.thread_id = r.text(2);
  c.author_id = r.is_null(3) ? "" : r.text(3);
  c.body = r.text(4);
  c.anchor = r.text(5).empty() ? nlohmann::json() : nlohmann::json::parse(r.text(5));
  c.mentions = nlohmann::json::parse(r.text(6)).get<std::vector<std::string>>();
  c.resolved_at = r.is_null(7) ? 0 : r.integer(7);
  c.resolved_by = r.is_null(8) ? "" : r.text(8);
  c.created_at = r.integer(9);
  c.updated_at = r.integer(10);
  return c;
}

std::optional<std::string> nullable(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::optional<int64_t> nullable(int64_t n) { return n ? std::optional<int64_t>(n) : std::nullopt; }

}  // namespace

void CommentStore::insert(const Comment& c) {
  db_.execute(
      std::string("INSERT INTO comments (") + kColumns +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      {c.id, c.project_id, c.thread_id, nullable(c.author_id), c.body,
       c.anchor.is_null() ? std::string() : c.anchor.dump(), nlohmann::json(c.mentions).dump(),
       nullable(c.resolved_at), nullable(c.resolved_by), c.created_at, c.updated_at});
}

std::optional<Comment> CommentStore::find(const std::string& project_id, const std::string& id) {
  auto result = db_.query(
      std::string("SELECT ") + kColumns + " FROM comments WHERE project_id = $1 AND id = $2",
      {project_id, id});
  if (result.empty()) return std::nullopt;
  return from_row(*result.first());
}

void CommentStore::update_body(const std::string& id, const std::string& body,
                               const std::vector<std::string>& mentions, int64_t now) {
  db_.execute("UPDATE comments SET body = $1, mentions = $2, updated_at = $3 WHERE id = $4",
              {body, nlohmann::json(mentions).dump(), now, id});
}

void CommentStore::set_resolved(const std::string& thread_id, int64_t resolved_at,
                                const std::string& resolved_by) {
  db_.execute("UPDATE comments SET resolved_at = $1, resolved_by = $2 WHERE id = $3",
              {nullable(resolved_at), nullable(resolved_by), thread_id});
}

void CommentStore::remove(const Comment& c) {
  if (c.is_thread()) {
    db_.execute("DELETE FROM comments WHERE thread_id = $1", {c.id});
  } else {
    db_.execute("DELETE FROM comments WHERE id = $1", {c.id});
  }
}

std::vector<Comment> CommentStore::threads(const std::string& project_id, ThreadFilter filter,
                                           const std::string& before_id, int limit) {
  std::string sql = std::string("SELECT ") + kColumns +
                    ", (SELECT COUNT(*) FROM comments r WHERE r.thread_id = c.id AND r.id <> c.id)"
                    " FROM comments c WHERE project_id = $1 AND thread_id = id";
  db::Params params = {project_id};
  if (!before_id.empty()) {
    sql += " AND id < $2";
    params.push_back(before_id);
  }
  if (filter == ThreadFilter::kOpen) sql += " AND resolved_at IS NULL";
  if (filter == ThreadFilter::kResolved) sql += " AND resolved_at IS NOT NULL";
  sql += " ORDER BY id DESC LIMIT $" + std::to_string(params.size() + 1);
  params.push_back(int64_t{limit});
  auto result = db_.query(sql, params);
  std::vector<Comment> out;
  for (const auto& row : result.rows) {
    out.push_back(from_row(row));
    out.back().reply_count = row.integer(11);
  }
  return out;
}

std::vector<Comment> CommentStore::replies(const std::string& thread_id) {
  auto result = db_.query(std::string("SELECT ") + kColumns +
                              " FROM comments WHERE thread_id = $1 AND id <> $1 ORDER BY id",
                          {thread_id});
  std::vector<Comment> out;
  for (const auto& row : result.rows) out.push_back(from_row(row));
  return out;
}

int64_t CommentStore::reply_count(const std::string& thread_id) {
  auto result =
      db_.query("SELECT COUNT(*) FROM comments WHERE thread_id = $1 AND id <> $1", {thread_id});
  return result.first()->integer(0);
}

std::vector<Comment> CommentStore::by_author(const std::string& author_id,
                                             const std::string& after_id, int limit) {
  auto result =
      db_.query(std::string("SELECT ") + kColumns +
                    " FROM comments WHERE author_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                {author_id, after_id, limit});
  std::vector<Comment> out;
  for (const auto& row : result.rows) out.push_back(from_row(row));
  return out;
}

void CommentStore::forget_user(const std::string& user_id) {
  db_.execute("UPDATE comments SET resolved_by = NULL WHERE resolved_by = $1", {user_id});
  // Mentions are a JSON list of ids: the candidates are found by text, then rewritten whole.
  auto result = db_.query("SELECT id, mentions FROM comments WHERE mentions LIKE $1",
                          {"%\"" + user_id + "\"%"});
  for (const auto& row : result.rows) {
    auto mentions = nlohmann::json::parse(row.text(1)).get<std::vector<std::string>>();
    std::erase(mentions, user_id);
    db_.execute("UPDATE comments SET mentions = $2 WHERE id = $1",
                {row.text(0), nlohmann::json(mentions).dump()});
  }
}

}  // namespace od::comments
