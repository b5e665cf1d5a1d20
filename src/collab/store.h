// The collab module's SQL: a room's Yjs updates as an append-only log (table collab_updates),
// loaded and merged when the room opens and compacted into one row when it grows, and the room
// states saved with a project version (collab_snapshots). Updates are opaque bytes here; the
// engine validates them before they get this far.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
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

  // Appends `update` after the room's last row and returns its seq (committed on return). Seqs
  // follow commit order across instances: two appends racing for one seq retry.
  int64_t append(const std::string& room, const std::string& project_id, std::string_view update);
  // Appends every update in one transaction, each after its room's last row, in order; returns
  // their seqs in the same order (committed on return; nothing is stored when it throws).
  std::vector<int64_t> append_batch(const std::vector<PendingAppend>& appends);
  // Every row of the room in seq order.
  std::vector<StoredUpdate> load(const std::string& room);
  // The rows after `after_seq`, in seq order (what a room missed).
  std::vector<StoredUpdate> load_since(const std::string& room, int64_t after_seq);
  // In one transaction: drops every row of the room and stores `state` as its only row, numbered
  // after the last (a restore; seqs never go back, so instances tracking them see it as new).
  int64_t replace(const std::string& room, const std::string& project_id, std::string_view state);
  // Rooms of the project that have rows.
  std::vector<std::string> rooms_of(const std::string& project_id);

  // Snapshots: room states saved with project version `number`.
  void save_snapshot(const std::string& project_id, int64_t number, const std::string& room,
                     std::string_view state);
  // (room, state) of every room saved with that version; empty when none was.
  std::vector<std::pair<std::string, std::string>> load_snapshot(const std::string& project_id,
                                                                 int64_t number);
  // In one transaction: drops the room's rows up to `through_seq` and stores `merged` (which must
  // hold all of them) as the row at `through_seq`. Rows appended after it stay.
  void compact(const std::string& room, const std::string& project_id, int64_t through_seq,
               std::string_view merged);

 private:
  db::Database& db_;
};

}  // namespace od::collab
