#include "assets/store.h"

namespace od::assets {
namespace {

constexpr const char* kColumns =
    "id, owner_id, project_id, filename, content_type, size, sha256, status, created_at";

Asset from_row(const db::Row& row) {
  Asset a;
  a.id = row.text(0);
  a.owner_id = row.text(1);
  a.project_id = row.optional_text(2);
  a.filename = row.text(3);
  a.content_type = row.text(4);
  a.size = row.integer(5);
  a.sha256 = row.text(6);
  a.status = row.text(7);
  a.created_at = row.integer(8);
  return a;
}

}  // namespace

bool AssetStore::insert_within_quota(const Asset& a, int64_t quota_bytes) {
  bool stored = false;
  db_.transaction([&](db::Session& s) {
    // On PostgreSQL the owner's row lock serialises concurrent uploads by one user, so two of
    // them cannot both pass the check; SQLite has a single writer anyway.
    if (db_.dialect() == db::Dialect::Postgres) {
      s.exec("SELECT id FROM users WHERE id = $1 FOR UPDATE", {a.owner_id});
    }
    auto used =
        s.exec("SELECT COALESCE(SUM(size), 0) FROM assets WHERE owner_id = $1", {a.owner_id});
    if (used.rows.front().integer(0) + a.size > quota_bytes) return;
    s.exec(
        "INSERT INTO assets (id, owner_id, project_id, filename, content_type, size, sha256, "
        "status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        {a.id, a.owner_id, a.project_id, a.filename, a.content_type, a.size, a.sha256, a.status,
         a.created_at});
    stored = true;
  });
  return stored;
}

void AssetStore::set_status(const std::string& id, const std::string& status) {
  db_.execute("UPDATE assets SET status = $2 WHERE id = $1", {id, status});
}

std::optional<Asset> AssetStore::find(const std::string& id) {
  auto result = db_.query(std::string("SELECT ") + kColumns + " FROM assets WHERE id = $1", {id});
  if (result.empty()) return std::nullopt;
  return from_row(*result.first());
}

bool AssetStore::remove(const std::string& id) {
  return db_.execute("DELETE FROM assets WHERE id = $1", {id}).affected_rows > 0;
}

int64_t AssetStore::references(const std::string& sha256) {
  // Derivatives (asset_variants, migration 0011) are blobs too, and may equal an upload's bytes.
  return db_
      .query(
          "SELECT (SELECT COUNT(*) FROM assets WHERE sha256 = $1) + "
          "(SELECT COUNT(*) FROM asset_variants WHERE sha256 = $1)",
          {sha256})
      .rows.front()
      .integer(0);
}

bool AssetStore::remove_if_unreferenced(const std::string& sha256,
                                        const std::function<void()>& remove) {
  bool removed = false;
  db_.transaction([&](db::Session& s) {
    if (db_.dialect() == db::Dialect::Postgres) {
      s.exec("LOCK TABLE assets, asset_variants IN SHARE MODE");
    }
    auto count = s.exec(
        "SELECT (SELECT COUNT(*) FROM assets WHERE sha256 = $1) + "
        "(SELECT COUNT(*) FROM asset_variants WHERE sha256 = $1)",
        {sha256});
    if (count.rows.front().integer(0) > 0) return;
    remove();
    removed = true;
  });
  return removed;
}

std::vector<std::string> AssetStore::blobs_of_owner(const std::string& owner_id) {
  auto result = db_.query("SELECT DISTINCT sha256 FROM assets WHERE owner_id = $1", {owner_id});
  std::vector<std::string> out;
  for (const auto& row : result.rows) out.push_back(row.text(0));
  return out;
}

int64_t AssetStore::usage(const std::string& owner_id) {
  return db_.query("SELECT COALESCE(SUM(size), 0) FROM assets WHERE owner_id = $1", {owner_id})
      .rows.front()
      .integer(0);
}

std::vector<Asset> AssetStore::list(const std::string& column, const std::string& value,
                                    const std::string& before_id, int limit) {
  // `column` is one of two literals chosen below, never caller input.
  std::string sql = std::string("SELECT ") + kColumns + " FROM assets WHERE " + column + " = $1";
  auto result = before_id.empty() ? db_.query(sql + " ORDER BY id DESC LIMIT $2", {value, limit})
                                  : db_.query(sql + " AND id < $2 ORDER BY id DESC LIMIT $3",
                                              {value, before_id, limit});
  std::vector<Asset> out;
  for (const auto& row : result.rows) out.push_back(from_row(row));
  return out;
}

std::vector<Asset> AssetStore::list_by_owner(const std::string& owner_id,
                                             const std::string& before_id, int limit) {
  return list("owner_id", owner_id, before_id, limit);
}

std::vector<Asset> AssetStore::list_by_project(const std::string& project_id,
                                               const std::string& before_id, int limit) {
  return list("project_id", project_id, before_id, limit);
}

}  // namespace od::assets
