#include "assets/resumable_store.h"

namespace od::assets {
namespace {

constexpr const char* kColumns =
    "id, owner_id, project_id, filename, declared_type, length, asset_id, expires_at, created_at";

ResumableUpload from_row(const db::Row& row) {
  ResumableUpload u;
  u.id = row.text(0);
  u.owner_id = row.text(1);
  u.project_id = row.optional_text(2);
  u.filename = row.text(3);
  u.declared_type = row.text(4);
  u.length = row.integer(5);
  u.asset_id = row.optional_text(6);
  u.expires_at = row.integer(7);
  u.created_at = row.integer(8);
  return u;
}

}  // namespace

void ResumableStore::insert(const ResumableUpload& u) {
  db_.execute(
      "INSERT INTO resumable_uploads (id, owner_id, project_id, filename, declared_type, length, "
      "asset_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8)",
      {u.id, u.owner_id, u.project_id, u.filename, u.declared_type, u.length, u.expires_at,
       u.created_at});
}

std::optional<ResumableUpload> ResumableStore::find(const std::string& id) {
  auto result =
      db_.query(std::string("SELECT ") + kColumns + " FROM resumable_uploads WHERE id = $1", {id});
  if (result.empty()) return std::nullopt;
  return from_row(*result.first());
}

void ResumableStore::set_asset(const std::string& id, const std::string& asset_id) {
  db_.execute("UPDATE resumable_uploads SET asset_id = $2 WHERE id = $1", {id, asset_id});
}

bool ResumableStore::remove(const std::string& id) {
  return db_.execute("DELETE FROM resumable_uploads WHERE id = $1", {id}).affected_rows > 0;
}

std::vector<std::string> ResumableStore::expired(int64_t now_ms, int limit) {
  auto result = db_.query(
      "SELECT id FROM resumable_uploads WHERE expires_at < $1 ORDER BY expires_at LIMIT $2",
      {now_ms, limit});
  std::vector<std::string> out;
  for (const auto& row : result.rows) out.push_back(row.text(0));
  return out;
}

int64_t ResumableStore::pending_bytes(const std::string& owner_id) {
  return db_
      .query(
          "SELECT COALESCE(SUM(length), 0) FROM resumable_uploads WHERE owner_id = $1 AND "
          "asset_id IS NULL",
          {owner_id})
      .rows.front()
      .integer(0);
}

}  // namespace od::assets
