// The collaboration rules behind the REST routes: who is online in a project's rooms, saving the
// rooms' merged states with a new project version, and restoring them. Access follows the
// project: anyone who can see it sees who is online; editors save and restore.
//
// A restore replaces each room's stored log with the saved state (rooms created after the
// snapshot become empty documents; a version saved without any room is 404 here) and closes every
// connection to those rooms, on every instance, with 4410: a Yjs document cannot be made to forget
// what a client holds, so clients must drop their Y.Doc and open a fresh one (y-websocket does not
// reconnect on 44xx codes).
#pragma once

#include <string>
#include <vector>

#include "collab/hub.h"
#include "collab/session_store.h"
#include "collab/store.h"
#include "projects/service.h"

namespace od::collab {

struct SnapshotResult {
  projects::Version version;
  std::vector<std::string> rooms;
};

class CollabService {
 public:
  CollabService(CollabStore& store, SessionStore& sessions, Hub& hub,
                projects::ProjectsService& projects)
      : store_(store), sessions_(sessions), hub_(hub), projects_(projects) {}

  std::vector<CollabSession> online(const auth::Principal& caller, const std::string& project_id,
                                    int limit);
  SnapshotResult save_snapshot(const auth::Principal& caller, const std::string& project_id,
                               const std::string& label);
  std::vector<std::string> restore_snapshot(const auth::Principal& caller,
                                            const std::string& project_id, int64_t number);

 private:
  CollabStore& store_;
  SessionStore& sessions_;
  Hub& hub_;
  projects::ProjectsService& projects_;
};

}  // namespace od::collab
