// The presigned_uploads table: signed single-use upload URLs handed out, and their state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"

namespace od::assets {

struct PresignedUpload {
  std::string id;  // the asset's id once complete
  std::string owner_id;
  std::optional<std::string> project_id;
  std::string filename;
  std::string declared_type;
  int64_t size = 0;
  std::string state;  // issued | receiving | received | closed (over, kept until the sweep)
  int64_t expires_at = 0;
  int64_t created_at = 0;
};

class PresignedStore {
 public:
  explicit PresignedStore(db::Database& db) : db_(db) {}

  void insert(const PresignedUpload& upload);
  std::optional<PresignedUpload> find(const std::string& id);
  // Moves `id` from state `from` to `to`; false when it was not in `from` (someone else moved it
  // first: this is how a URL accepts exactly one upload).
  bool transition(const std::string& id, const std::string& from, const std::string& to);
  // Moves `id` to "closed" whatever its state.
  void close(const std::string& id);
  bool remove(const std::string& id);
  std::vector<std::string> expired(int64_t before_ms, int limit);
  // Declared sizes of the owner's open uploads (they count against the quota).
  int64_t pending_bytes(const std::string& owner_id);

 private:
  db::Database& db_;
};

}  // namespace od::assets
