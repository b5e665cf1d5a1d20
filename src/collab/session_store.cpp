#include "collab/session_store.h"

namespace od::collab {

void SessionStore::add(const CollabSession& s) {
  db_.execute(
      "INSERT INTO collab_sessions (id, room, project_id, user_id, instance_id, can_edit, "
      "joined_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {s.id, s.room, s.project_id, s.user_id, s.instance_id, int64_t{s.can_edit ? 1 : 0},
       s.joined_at, s.expires_at});
}

void SessionStore::remove(const std::string& id) {
  db_.execute("DELETE FROM collab_sessions WHERE id = $1", {id});
}

int64_t SessionStore::refresh(const std::string& instance_id, int64_t expires_at) {
  return db_
      .execute("UPDATE collab_sessions SET expires_at = $1 WHERE instance_id = $2",
               {expires_at, instance_id})
      .affected_rows;
}

int64_t SessionStore::sweep(int64_t now) {
  return db_.execute("DELETE FROM collab_sessions WHERE expires_at < $1", {now}).affected_rows;
}

std::vector<CollabSession> SessionStore::online(const std::string& project_id, int64_t now,
                                                int limit) {
  auto result = db_.query(
      "SELECT id, room, project_id, user_id, instance_id, can_edit, joined_at, expires_at "
      "FROM collab_sessions WHERE project_id = $1 AND expires_at >= $2 "
      "ORDER BY joined_at, id LIMIT $3",
      {project_id, now, int64_t{limit}});
  std::vector<CollabSession> out;
  for (const auto& r : result.rows) {
    out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.integer(5) != 0,
                   r.integer(6), r.integer(7)});
  }
  return out;
}

}  // namespace od::collab
