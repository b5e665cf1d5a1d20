// The media side of the assets tables (migration 0011): each asset's processing state and what
// processing found, and the derivatives made from it (asset_variants), each naming a blob.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/database.h"

namespace od::assets {

struct MediaState {
  std::string processing;  // pending | done | failed
  std::string error_code;
  std::string error_message;
  nlohmann::json metadata;  // null until done
};

struct Variant {
  std::string asset_id;
  std::string name;  // "thumb-256.webp", "poster.jpeg", "strip.webp", "v-200x100-crop.png"
  std::string sha256;
  std::string content_type;
  int64_t size = 0;
  int width = 0;
  int height = 0;
  int64_t created_at = 0;
};

class MediaStore {
 public:
  explicit MediaStore(db::Database& db) : db_(db) {}

  // Sets the state, creating the row when needed. False when the asset no longer exists.
  bool set_pending(const std::string& asset_id, int64_t now);
  bool set_done(const std::string& asset_id, const nlohmann::json& metadata, int64_t now);
  bool set_failed(const std::string& asset_id, const std::string& code, const std::string& message,
                  int64_t now);
  std::optional<MediaState> find(const std::string& asset_id);

  // Ready assets that processing never saw (uploaded before it existed, or whose job could not
  // be queued): (asset id, owner id), oldest first.
  std::vector<std::pair<std::string, std::string>> unprocessed(int limit);

  // Records a derivative. False when one of that name exists already (the first stays) or the
  // asset no longer exists; find_variant tells which.
  bool add_variant(const Variant& variant);
  std::optional<Variant> find_variant(const std::string& asset_id, const std::string& name);
  std::vector<Variant> variants(const std::string& asset_id);
  // The derivative blobs of every asset of one owner (to release them when the account goes).
  std::vector<std::string> variant_blobs_of_owner(const std::string& owner_id);

 private:
  bool upsert(const std::string& asset_id, const std::string& processing, db::Param code,
              db::Param message, db::Param metadata, int64_t now);
  db::Database& db_;
};

}  // namespace od::assets
