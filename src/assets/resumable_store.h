// The resumable_uploads table: tus uploads in progress, their declared facts and expiry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"

namespace od::assets {

struct ResumableUpload {
  std::string id;
  std::string owner_id;
  std::optional<std::string> project_id;
  std::string filename;
  std::string declared_type;
  int64_t length = 0;
  std::optional<std::string> asset_id;  // set once complete
  int64_t expires_at = 0;               // unix ms
  int64_t created_at = 0;
};

class ResumableStore {
 public:
  explicit ResumableStore(db::Database& db) : db_(db) {}

  void insert(const ResumableUpload& upload);
  std::optional<ResumableUpload> find(const std::string& id);
  void set_asset(const std::string& id, const std::string& asset_id);
  bool remove(const std::string& id);
  // Ids of uploads that expired before `now_ms`.
  std::vector<std::string> expired(int64_t now_ms, int limit);
  // Bytes the owner has announced in uploads still in progress (they count against the quota).
  int64_t pending_bytes(const std::string& owner_id);

 private:
  db::Database& db_;
};

}  // namespace od::assets
