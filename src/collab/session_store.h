// collab_sessions: who is connected to which room, on which instance, since when. The instance
// holding a connection adds its row on join, deletes it on leave and pushes expires_at forward
// on a heartbeat; rows whose instance died stop being refreshed, expire, and are swept by any
// instance. Listings show only unexpired rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/database.h"

namespace od::collab {

struct CollabSession {
  std::string id;
  std::string room;
  std::string project_id;
  std::string user_id;
  std::string instance_id;
  bool can_edit = false;
  int64_t joined_at = 0;
  int64_t expires_at = 0;
};

class SessionStore {
 public:
  explicit SessionStore(db::Database& db) : db_(db) {}

  void add(const CollabSession& session);
  void remove(const std::string& id);
  // Moves the expiry of every row of `instance_id` to `expires_at`; how many it moved.
  int64_t refresh(const std::string& instance_id, int64_t expires_at);
  // Deletes the rows that expired before `now`; how many.
  int64_t sweep(int64_t now);
  // Unexpired rows of the project, oldest first, at most `limit`.
  std::vector<CollabSession> online(const std::string& project_id, int64_t now, int limit);

 private:
  db::Database& db_;
};

}  // namespace od::collab
