#include "assets/media_store.h"

namespace od::assets {
namespace {

constexpr const char* kVariantColumns =
    "asset_id, name, sha256, content_type, size, width, height, created_at";

Variant variant_from_row(const db::Row& row) {
  Variant v;
  v.asset_id = row.text(0);
  v.name = row.text(1);
  v.sha256 = row.text(2);
  v.content_type = row.text(3);
  v.size = row.integer(4);
  v.width = static_cast<int>(row.integer(5));
  v.height = static_cast<int>(row.integer(6));
  v.created_at = row.integer(7);
  return v;
}

}  // namespace

bool MediaStore::upsert(const std::string& asset_id, const std::string& processing, db::Param code,
                        db::Param message, db::Param metadata, int64_t now) {
  try {
    db_.execute(
        "INSERT INTO asset_media (asset_id, processing, error_code, error_message, metadata, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (asset_id) DO UPDATE SET "
        "processing = excluded.processing, error_code = excluded.error_code, "
        "error_message = excluded.error_message, metadata = excluded.metadata, "
        "updated_at = excluded.updated_at",
        {asset_id, processing, std::move(code), std::move(message), std::move(metadata), now});
    return true;
  } catch (const db::Error& e) {
    // The asset was deleted while it was being processed.
    if (e.kind() == db::Error::Kind::ForeignKeyViolation) return false;
    throw;
  }
}

bool MediaStore::set_pending(const std::string& asset_id, int64_t now) {
  return upsert(asset_id, "pending", nullptr, nullptr, nullptr, now);
}

bool MediaStore::set_done(const std::string& asset_id, const nlohmann::json& metadata,
                          int64_t now) {
  return upsert(asset_id, "done", nullptr, nullptr, metadata.dump(), now);
}

bool MediaStore::set_failed(const std::string& asset_id, const std::string& code,
                            const std::string& message, int64_t now) {
  return upsert(asset_id, "failed", code, message, nullptr, now);
}

std::optional<MediaState> MediaStore::find(const std::string& asset_id) {
  auto result = db_.query(
      "SELECT processing, error_code, error_message, metadata FROM asset_media "
      "WHERE asset_id = $1",
      {asset_id});
  if (result.empty()) return std::nullopt;
  const db::Row& row = *result.first();
  MediaState state;
  state.processing = row.text(0);
  state.error_code = row.optional_text(1).value_or("");
  state.error_message = row.optional_text(2).value_or("");
  if (auto text = row.optional_text(3)) {
    state.metadata = nlohmann::json::parse(*text, nullptr, false);
    if (state.metadata.is_discarded()) state.metadata = nullptr;
  }
  return state;
}

std::vector<std::pair<std::string, std::string>> MediaStore::unprocessed(int limit) {
  auto result = db_.query(
      "SELECT a.id, a.owner_id FROM assets a LEFT JOIN asset_media m ON m.asset_id = a.id "
      "WHERE m.asset_id IS NULL AND a.status = 'ready' ORDER BY a.id LIMIT $1",
      {limit});
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : result.rows) out.emplace_back(row.text(0), row.text(1));
  return out;
}

bool MediaStore::add_variant(const Variant& v) {
  try {
    return db_.execute(std::string("INSERT INTO asset_variants (") + kVariantColumns +
                           ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                           "ON CONFLICT (asset_id, name) DO NOTHING",
                       {v.asset_id, v.name, v.sha256, v.content_type, v.size, v.width, v.height,
                        v.created_at})
               .affected_rows > 0;
  } catch (const db::Error& e) {
    if (e.kind() == db::Error::Kind::ForeignKeyViolation) return false;
    throw;
  }
}

std::optional<Variant> MediaStore::find_variant(const std::string& asset_id,
                                                const std::string& name) {
  auto result = db_.query(std::string("SELECT ") + kVariantColumns +
                              " FROM asset_variants WHERE asset_id = $1 AND name = $2",
                          {asset_id, name});
  if (result.empty()) return std::nullopt;
  return variant_from_row(*result.first());
}

std::vector<Variant> MediaStore::variants(const std::string& asset_id) {
  auto result = db_.query(std::string("SELECT ") + kVariantColumns +
                              " FROM asset_variants WHERE asset_id = $1 ORDER BY name",
                          {asset_id});
  std::vector<Variant> out;
  for (const auto& row : result.rows) out.push_back(variant_from_row(row));
  return out;
}

std::vector<std::string> MediaStore::variant_blobs_of_owner(const std::string& owner_id) {
  auto result = db_.query(
      "SELECT DISTINCT v.sha256 FROM asset_variants v JOIN assets a ON a.id = v.asset_id "
      "WHERE a.owner_id = $1",
      {owner_id});
  std::vector<std::string> out;
  for (const auto& row : result.rows) out.push_back(row.text(0));
  return out;
}

}  // namespace od::assets
