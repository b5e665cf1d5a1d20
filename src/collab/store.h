// The collab module's SQL: a room's Yjs updates as an append-only log (table collab_updates),
// loaded and merged when the room opens and compacted into one row when it grows. Updates are
// opaque bytes here; the engine validates them before they get this far.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"

namespace od::collab {

// One update to append to a room's log (UpdateLog gathers them into batches).
struct PendingAppend {
  std::string room;
  std::string project_id;
  std::string update;
};

struct StoredUpdate {
  int64_t seq = 0;
  std::string data;  // the raw update bytes
};

class CollabStore {
 public:
  explicit CollabStore(db::Database& db) : db_(db) {}

  // Appends `update` after the room's last row and returns its seq (committed on return).
  int64_t append(const std::string& room, const std::string& project_id, std::string_view update);
  // Appends every update in one transaction, each after its room's last row, in order; returns
  // their seqs in the same order (committed on return; nothing is stored when it throws).
  std::vector<int64_t> append_batch(const std::vector<PendingAppend>& appends);
  // Every row of the room in seq order.
  std::vector<StoredUpdate> load(const std::string& room);
  // In one transaction: drops the room's rows up to `through_seq` and stores `merged` (which must
  // hold all of them) as the row at `through_seq`. Rows appended after it stay.
  void compact(const std::string& room, const std::string& project_id, int64_t through_seq,
               std::string_view merged);

 private:
  db::Database& db_;
};

}  // namespace od::collab
