#include "assets/presigned_store.h"

namespace od::assets {
namespace {

constexpr const char* kColumns =
    "id, owner_id, project_id, filename, declared_type, size, state, expires_at, created_at";

PresignedUpload from_row(const db::Row& row) {
  PresignedUpload u;
  u.id = row.text(0);
  u.owner_id = row.text(1);
  u.project_id = row.optional_text(2);
  u.filename = row.text(3);
  u.declared_type = row.text(4);
  u.size = row.integer(5);
  u.state = row.text(6);
  u.expires_at = row.integer(7);
  u.created_at = row.integer(8);
  return u;
}

}  // namespace

void PresignedStore::insert(const PresignedUpload& u) {
  db_.execute(
      "INSERT INTO presigned_uploads (id, owner_id, project_id, filename, declared_type, size, "
      "state, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {u.id, u.owner_id, u.project_id, u.filename, u.declared_type, u.size, u.state, u.expires_at,
       u.created_at});
}

std::optional<PresignedUpload> PresignedStore::find(const std::string& id) {
  auto result =
      db_.query(std::string("SELECT ") + kColumns + " FROM presigned_uploads WHERE id = $1", {id});
  if (result.empty()) return std::nullopt;
  return from_row(*result.first());
}

bool PresignedStore::transition(const std::string& id, const std::string& from,
                                const std::string& to) {
  return db_.execute("UPDATE presigned_uploads SET state = $3 WHERE id = $1 AND state = $2",
                     {id, from, to})
             .affected_rows > 0;
}

void PresignedStore::close(const std::string& id) {
  db_.execute("UPDATE presigned_uploads SET state = 'closed' WHERE id = $1", {id});
}

bool PresignedStore::remove(const std::string& id) {
  return db_.execute("DELETE FROM presigned_uploads WHERE id = $1", {id}).affected_rows > 0;
}

std::vector<std::string> PresignedStore::expired(int64_t before_ms, int limit) {
  auto result = db_.query(
      "SELECT id FROM presigned_uploads WHERE expires_at < $1 ORDER BY expires_at LIMIT $2",
      {before_ms, limit});
  std::vector<std::string> out;
  for (const auto& row : result.rows) out.push_back(row.text(0));
  return out;
}

int64_t PresignedStore::pending_bytes(const std::string& owner_id) {
  return db_
      .query(
          "SELECT COALESCE(SUM(size), 0) FROM presigned_uploads WHERE owner_id = $1 AND state <> "
          "'closed'",
          {owner_id})
      .rows.front()
      .integer(0);
}

}  // namespace od::assets
