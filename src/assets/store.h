// The assets table: asset rows, per-owner usage for quotas, and how many rows still refer to a
// blob (so the last one to go can delete the bytes).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "assets/asset.h"
#include "db/database.h"

namespace od::assets {

class AssetStore {
 public:
  explicit AssetStore(db::Database& db) : db_(db) {}

  // Inserts `asset` unless the owner's stored bytes would then exceed `quota_bytes`: the check
  // and the insert share one transaction. False (and nothing stored) when over quota.
  bool insert_within_quota(const Asset& asset, int64_t quota_bytes);
  void set_status(const std::string& id, const std::string& status);
  std::optional<Asset> find(const std::string& id);
  bool remove(const std::string& id);
  // Rows (any status) whose bytes are the blob `sha256`: assets and their derivatives.
  int64_t references(const std::string& sha256);
  int64_t usage(const std::string& owner_id);
  // Calls `remove` (which deletes the blob) when no asset or derivative names `sha256`. The check
  // and `remove` run in one transaction that keeps new rows naming the blob out until it ends
  // (PostgreSQL: SHARE locks on both tables; SQLite: the write lock), so an identical upload
  // racing the delete either is seen, or inserts its row after the blob is gone and then writes
  // the bytes again. True when `remove` ran.
  bool remove_if_unreferenced(const std::string& sha256, const std::function<void()>& remove);
  // Every blob the owner's assets name (their own bytes, not derivatives).
  std::vector<std::string> blobs_of_owner(const std::string& owner_id);

  // Newest first, ids before `before_id` (empty: from the newest).
  std::vector<Asset> list_by_owner(const std::string& owner_id, const std::string& before_id,
                                   int limit);
  std::vector<Asset> list_by_project(const std::string& project_id, const std::string& before_id,
                                     int limit);

 private:
  std::vector<Asset> list(const std::string& column, const std::string& value,
                          const std::string& before_id, int limit);
  db::Database& db_;
};

}  // namespace od::assets
