// The open rooms of this instance: a room is loaded from the store when its first connection
// joins and unloaded once it has had no connection for `idle_unload` (zero: at once). Owns the
// worker pool the rooms run on (database writes and Yjs merges never run on the network
// threads), the bus to other instances, the compaction lock, and a timer for upkeep: a heartbeat
// that refreshes this instance's collab_sessions rows, sweeps expired ones, lets rooms fill gaps
// and unloads idle rooms.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "collab/compaction_lock.h"
#include "collab/peer.h"
#include "collab/room.h"
#include "collab/room_bus.h"
#include "collab/session_store.h"
#include "collab/store.h"
#include "collab/timer.h"
#include "collab/update_log.h"
#include "core/worker_pool.h"

namespace od::collab {

struct HubOptions {
  size_t threads = 2;
  size_t max_queued_tasks = 65536;  // across rooms; a full pool makes joins and messages 1013
  RoomLimits room;
  std::chrono::seconds idle_unload{0};        // a room without connections stays loaded this long
  std::chrono::milliseconds heartbeat{5000};  // upkeep period (sessions, gaps, idle rooms)
  size_t max_rooms_per_user = 50;  // connections (one room each) a user may hold on this instance
};

class Hub {
 public:
  // Null bus/lock: one instance (in-process lock, nothing to fan out to).
  Hub(CollabStore& store, SessionStore& sessions, HubOptions options,
      std::unique_ptr<RoomBus> bus = nullptr, std::unique_ptr<CompactionLock> lock = nullptr);
  ~Hub();  // stores pending updates, finishes the rooms' queued work, before the store goes
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // The room `peer` joined, or null when the server is overloaded (then nothing was taken).
  std::shared_ptr<Room> join(const RoomName& name, std::shared_ptr<Peer> peer);
  // Every join is paired with one leave; the room unloads after its last (and idle_unload).
  void leave(const std::shared_ptr<Room>& room, std::shared_ptr<Peer> peer);

  // A user's open connections on this instance are bounded: claim before joining, release once
  // the connection is gone. False when the user holds max_rooms_per_user already.
  bool claim_user_slot(const std::string& user_id);
  void release_user_slot(const std::string& user_id);

  // Runs `task` on the worker pool; false when it is full.
  bool run(std::function<void()> task) { return pool_.try_submit(std::move(task)); }
  Timer& timer() { return timer_; }

  // The rooms named were replaced in the store (a restore): every instance closes their
  // connections with room_close::kRestored and reloads them on the next join.
  void reset_rooms(const std::vector<std::string>& rooms);
  // Sends a notice (JSON) to the connections of every room of the project, on every instance.
  void notify_project(const std::string& project_id, const std::string& json);

  const std::string& instance_id() const { return instance_id_; }
  size_t open_rooms() const;
  size_t connections() const;
  size_t held_bytes() const;

 private:
  struct Entry {
    std::shared_ptr<Room> room;  // owns the key the map holds a view of
    size_t peers = 0;
    std::chrono::steady_clock::time_point idle_since;
  };
  void release(const std::shared_ptr<Room>& room);
  void deliver(RoomMessage message);
  void heartbeat();
  std::vector<std::shared_ptr<Room>> rooms_where(const std::function<bool(const Room&)>& match);

  CollabStore& store_;
  SessionStore& sessions_;
  const HubOptions options_;
  const std::string instance_id_;
  std::unique_ptr<RoomBus> bus_;
  std::unique_ptr<CompactionLock> lock_;
  mutable std::mutex mutex_;
  std::map<std::string_view, Entry> rooms_;   // keyed by room->key()
  std::map<std::string, size_t> user_slots_;  // under mutex_
  WorkerPool pool_;
  UpdateLog log_;  // after pool_: its callbacks post to the rooms' queues on the pool
  const RoomServices room_services_;  // what every room refers to
  Timer timer_;                       // last: its thread stops first
};

}  // namespace od::collab
