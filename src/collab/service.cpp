#include "collab/service.h"

#include <set>

#include "core/error.h"
#include "core/time.h"
#include "engines/yjs/update_ops.h"

namespace od::collab {
namespace {

const std::string kEmptyDocument("\0\0", 2);

bool can_edit(projects::Access access) {
  return access == projects::Access::Editor || access == projects::Access::Owner ||
         access == projects::Access::Admin;
}

}  // namespace

std::vector<CollabSession> CollabService::online(const auth::Principal& caller,
                                                 const std::string& project_id, int limit) {
  projects_.get(caller, project_id);  // 404 when the caller may not see it
  return sessions_.online(project_id, now_ms(), limit);
}

SnapshotResult CollabService::save_snapshot(const auth::Principal& caller,
                                            const std::string& project_id,
                                            const std::string& label) {
  SnapshotResult result;
  result.version = projects_.snapshot(caller, project_id, label);  // editors only
  // From the database: everything relayed has been stored, whichever instance relayed it.
  for (const auto& room : store_.rooms_of(project_id)) {
    auto rows = store_.load(room);
    if (rows.empty()) continue;
    std::vector<yjs::BytesView> views;
    for (const auto& row : rows) {
      views.push_back({reinterpret_cast<const std::uint8_t*>(row.data.data()), row.data.size()});
    }
    auto merged = yjs::merge_updates(views);
    store_.save_snapshot(
        project_id, result.version.number, room,
        std::string_view(reinterpret_cast<const char*>(merged.data()), merged.size()));
    result.rooms.push_back(room);
  }
  return result;
}

std::vector<std::string> CollabService::restore_snapshot(const auth::Principal& caller,
                                                         const std::string& project_id,
                                                         int64_t number) {
  if (!can_edit(projects_.get(caller, project_id).access)) {
    throw forbidden("Only editors may restore a snapshot.");
  }
  projects_.version(caller, project_id, number);  // 404 for a version that does not exist
  auto saved = store_.load_snapshot(project_id, number);
  // A version saved without collaborative documents (POST /versions) restores nothing here:
  // emptying every room from it would lose work that was never part of it.
  if (saved.empty()) throw not_found("collaboration snapshot");
  std::set<std::string> rooms;
  for (const auto& room : store_.rooms_of(project_id)) rooms.insert(room);
  std::map<std::string, std::string> states(saved.begin(), saved.end());
  for (const auto& [room, state] : states) rooms.insert(room);
  std::vector<std::string> restored(rooms.begin(), rooms.end());
  for (const auto& room : restored) {
    auto it = states.find(room);
    store_.replace(room, project_id, it == states.end() ? kEmptyDocument : it->second);
  }
  hub_.reset_rooms(restored);
  return restored;
}

}  // namespace od::collab
